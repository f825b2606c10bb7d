DROP INDEX "callback_inbox_due";--> statement-breakpoint
DROP INDEX "callback_inbox_subject";--> statement-breakpoint
CREATE INDEX "callback_inbox_live" ON "callback_inbox" USING btree ("id") WHERE "callback_inbox"."status" in ('pending', 'processing');--> statement-breakpoint
CREATE INDEX "callback_inbox_waiting" ON "callback_inbox" USING btree ("team_id") WHERE "callback_inbox"."status" = 'waiting';--> statement-breakpoint
CREATE INDEX "callback_inbox_subject" ON "callback_inbox" USING btree ("team_id","subject","status") WHERE "callback_inbox"."subject" is not null;