CREATE TABLE "departments" (
	"team_id" bigint NOT NULL,
	"id" bigint NOT NULL,
	"name" text NOT NULL,
	"parent_id" bigint NOT NULL,
	"order" bigint NOT NULL,
	"content_hash" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "departments_team_id_id_pk" PRIMARY KEY("team_id","id")
);
--> statement-breakpoint
CREATE TABLE "members" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "members_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"team_id" bigint NOT NULL,
	"wecom_user_id" text,
	"wecom_user_key" text,
	"name" text NOT NULL,
	"department_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"main_department_id" bigint,
	"position" text,
	"wecom_status" integer,
	"content_hash" text,
	"status" text DEFAULT 'imported' NOT NULL,
	"role" text,
	"account_id" bigint,
	"status_before" text,
	"deprovisioned_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"team_id" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"initiator" text NOT NULL,
	"actor" text,
	"action" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"job_id" bigint,
	"before" jsonb,
	"after" jsonb
);
--> statement-breakpoint
CREATE TABLE "staged_deprovisions" (
	"job_id" bigint NOT NULL,
	"member_id" bigint NOT NULL,
	"reason" text NOT NULL,
	CONSTRAINT "staged_deprovisions_job_id_member_id_pk" PRIMARY KEY("job_id","member_id")
);
--> statement-breakpoint
CREATE TABLE "sync_jobs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sync_jobs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"team_id" bigint NOT NULL,
	"state" text NOT NULL,
	"phase" text NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"cursor" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"counts" jsonb NOT NULL,
	"error" jsonb,
	"partial" boolean DEFAULT false NOT NULL,
	"initiator" text NOT NULL,
	"cancel_requested" boolean DEFAULT false NOT NULL,
	"lease_until" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sync_seen_departments" (
	"job_id" bigint NOT NULL,
	"id" bigint NOT NULL,
	"name" text NOT NULL,
	"parent_id" bigint NOT NULL,
	"order" bigint NOT NULL,
	"content_hash" text NOT NULL,
	CONSTRAINT "sync_seen_departments_job_id_id_pk" PRIMARY KEY("job_id","id")
);
--> statement-breakpoint
CREATE TABLE "sync_seen_members" (
	"job_id" bigint NOT NULL,
	"user_key" text NOT NULL,
	"user_id" text NOT NULL,
	"name" text NOT NULL,
	"department_ids" jsonb NOT NULL,
	"main_department_id" bigint,
	"position" text,
	"wecom_status" integer,
	CONSTRAINT "sync_seen_members_job_id_user_key_pk" PRIMARY KEY("job_id","user_key")
);
--> statement-breakpoint
CREATE TABLE "team_policies" (
	"team_id" bigint PRIMARY KEY NOT NULL,
	"on_member_deleted" text DEFAULT 'lock' NOT NULL,
	"last_good_listing_size" integer,
	"last_success_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "departments" ADD CONSTRAINT "departments_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staged_deprovisions" ADD CONSTRAINT "staged_deprovisions_job_id_sync_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."sync_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_jobs" ADD CONSTRAINT "sync_jobs_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_seen_departments" ADD CONSTRAINT "sync_seen_departments_job_id_sync_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."sync_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_seen_members" ADD CONSTRAINT "sync_seen_members_job_id_sync_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."sync_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_policies" ADD CONSTRAINT "team_policies_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "members_team_wecom_key" ON "members" USING btree ("team_id","wecom_user_key");--> statement-breakpoint
CREATE INDEX "members_team_status" ON "members" USING btree ("team_id","status","id");--> statement-breakpoint
CREATE INDEX "audit_team_id" ON "audit_log" USING btree ("team_id","id");--> statement-breakpoint
CREATE INDEX "audit_team_subject" ON "audit_log" USING btree ("team_id","subject_type","subject_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sync_jobs_one_open_per_team" ON "sync_jobs" USING btree ("team_id") WHERE "sync_jobs"."state" in ('queued', 'running', 'needs_confirmation');--> statement-breakpoint
CREATE INDEX "sync_jobs_team_created" ON "sync_jobs" USING btree ("team_id","id");