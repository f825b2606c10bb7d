CREATE TABLE "sync_seen_unchanged" (
	"job_id" bigint NOT NULL,
	"user_keys" text[] NOT NULL
);
--> statement-breakpoint
CREATE INDEX "sync_seen_unchanged_job_idx" ON "sync_seen_unchanged" USING btree ("job_id");