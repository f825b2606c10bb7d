ALTER TABLE "sync_seen_members" DROP CONSTRAINT "sync_seen_members_job_id_sync_jobs_id_fk";
