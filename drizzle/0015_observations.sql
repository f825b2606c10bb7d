CREATE TABLE "mirror_tombstones" (
	"team_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"observed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "mirror_tombstones_team_id_kind_key_pk" PRIMARY KEY("team_id","kind","key")
);
--> statement-breakpoint
ALTER TABLE "departments" ADD COLUMN "observed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "observed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "observed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "staged_deprovisions" ADD COLUMN "observed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sync_seen_members" ADD COLUMN "observed_at" timestamp with time zone DEFAULT '-infinity' NOT NULL;--> statement-breakpoint
ALTER TABLE "mirror_tombstones" ADD CONSTRAINT "mirror_tombstones_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;