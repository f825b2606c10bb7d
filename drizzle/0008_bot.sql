CREATE TABLE "bot_decision_cards" (
	"job_id" bigint PRIMARY KEY NOT NULL,
	"team_id" bigint NOT NULL,
	"task_id" text NOT NULL,
	"recipients" jsonb NOT NULL,
	"sent_at" timestamp with time zone,
	"decision" text,
	"decided_by" text,
	"decided_key" text,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bot_greetings" (
	"team_id" bigint NOT NULL,
	"user_key" text NOT NULL,
	"greeted_at" timestamp with time zone NOT NULL,
	CONSTRAINT "bot_greetings_team_id_user_key_pk" PRIMARY KEY("team_id","user_key")
);
--> statement-breakpoint
CREATE TABLE "bot_job_watchers" (
	"job_id" bigint NOT NULL,
	"user_key" text NOT NULL,
	"team_id" bigint NOT NULL,
	"user_id" text NOT NULL,
	"lang" text NOT NULL,
	"verb" text NOT NULL,
	"last_percent" integer DEFAULT 0 NOT NULL,
	"last_reported_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "bot_job_watchers_job_id_user_key_pk" PRIMARY KEY("job_id","user_key")
);
--> statement-breakpoint
CREATE TABLE "bot_messages" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "bot_messages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"team_id" bigint NOT NULL,
	"message_key" text NOT NULL,
	"user_id" text NOT NULL,
	"command" text NOT NULL,
	"lang" text NOT NULL,
	"result" jsonb,
	"replied_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bot_decision_cards" ADD CONSTRAINT "bot_decision_cards_job_id_sync_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."sync_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bot_decision_cards" ADD CONSTRAINT "bot_decision_cards_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bot_greetings" ADD CONSTRAINT "bot_greetings_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bot_job_watchers" ADD CONSTRAINT "bot_job_watchers_job_id_sync_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."sync_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bot_job_watchers" ADD CONSTRAINT "bot_job_watchers_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bot_messages" ADD CONSTRAINT "bot_messages_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "bot_decision_cards_task" ON "bot_decision_cards" USING btree ("team_id","task_id");--> statement-breakpoint
CREATE INDEX "bot_decision_cards_team" ON "bot_decision_cards" USING btree ("team_id");--> statement-breakpoint
CREATE UNIQUE INDEX "bot_messages_team_key" ON "bot_messages" USING btree ("team_id","message_key");