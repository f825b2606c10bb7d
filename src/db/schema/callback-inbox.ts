import { sql } from "drizzle-orm";
import { bigint, index, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { teams } from "./teams";

/** `waiting`: a contact hint kept until the team's first import has finished (docs/observations.md). */
export const INBOX_STATUSES = ["pending", "processing", "processed", "ignored", "dead", "waiting"] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

/**
 * Every verified callback, stored before WeCom gets its 200 (docs/wecom.md#callback-delivery). The
 * unique (team, dedupe key) makes WeCom's retried and concurrent deliveries one row
 * (docs/architecture.md#coordination-lives-in-postgresql).
 */
export const callbackInbox = pgTable(
  "callback_inbox",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    teamId: bigint("team_id", { mode: "number" })
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    dedupeKey: text("dedupe_key").notNull(),
    handlerKey: text("handler_key").notNull(),
    /** What the message is about ("user:<key>", "party"): a burst about one subject is handled once. */
    subject: text("subject"),
    payload: text("payload").notNull(),
    status: text("status").$type<InboxStatus>().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull(),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lastError: text("last_error"),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull(),
    /**
     * When the row was stored, by the database's clock (unlike `received_at`, the instance's): later
     * than the change the callback reports, so a member observed after it already holds that change
     * (docs/observations.md#hints-before-the-first-import).
     */
    storedAt: timestamp("stored_at", { withTimezone: true, mode: "string" }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  // Partial indexes hold only the rows their queries look for: every callback is written under
  // WeCom's deadline (each index is work in that insert), and finished rows, the bulk of the table,
  // must not slow the processor's claim, which walks the live rows in arrival order.
  (t) => [
    uniqueIndex("callback_inbox_team_dedupe").on(t.teamId, t.dedupeKey),
    index("callback_inbox_live")
      .on(t.id)
      .where(sql`${t.status} in ('pending', 'processing')`),
    index("callback_inbox_waiting")
      .on(t.teamId)
      .where(sql`${t.status} = 'waiting'`),
    index("callback_inbox_subject")
      .on(t.teamId, t.subject, t.status)
      .where(sql`${t.subject} is not null`),
  ],
);
