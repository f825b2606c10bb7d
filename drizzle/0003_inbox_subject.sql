ALTER TABLE "callback_inbox" ADD COLUMN "subject" text;--> statement-breakpoint
CREATE INDEX "callback_inbox_subject" ON "callback_inbox" USING btree ("team_id","subject","status");