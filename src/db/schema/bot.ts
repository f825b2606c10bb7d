import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { syncJobs } from "./sync";
import { teams } from "./teams";

export type BotLang = "zh" | "en";

/**
 * Every chat message and card click the admin bot acted on. The unique (team, message key) —
 * `msg:<MsgId>` for text, `inbox:<id>` for events — makes at-least-once delivery to handlers one
 * effect: the verb's outcome is stored once in `result`, and `repliedAt` is claimed before the
 * reply is sent, so a re-run neither repeats the effect nor the reply
 * (docs/architecture.md#coordination-lives-in-postgresql).
 */
export const botMessages = pgTable(
  "bot_messages",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    teamId: bigint("team_id", { mode: "number" })
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    messageKey: text("message_key").notNull(),
    userId: text("user_id").notNull(),
    command: text("command").notNull(),
    lang: text("lang").$type<BotLang>().notNull(),
    result: jsonb("result").$type<Record<string, unknown>>(),
    repliedAt: timestamp("replied_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("bot_messages_team_key").on(t.teamId, t.messageKey)],
);

/**
 * Who asked the bot for an import/sync and gets its progress and summary. Progress is claimed
 * with one conditional update (≥ 25 points or ≥ 30 s since the last report), the summary by
 * setting `finishedAt`: two runners never report the same step twice.
 */
export const botJobWatchers = pgTable(
  "bot_job_watchers",
  {
    jobId: bigint("job_id", { mode: "number" })
      .notNull()
      .references(() => syncJobs.id, { onDelete: "cascade" }),
    userKey: text("user_key").notNull(),
    teamId: bigint("team_id", { mode: "number" })
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    lang: text("lang").$type<BotLang>().notNull(),
    /** "import" or "sync": the word the summary uses. */
    verb: text("verb").notNull(),
    lastPercent: integer("last_percent").notNull().default(0),
    lastReportedAt: timestamp("last_reported_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.userKey] })],
);

/**
 * The Allow/Reject card sent to the team's WeCom admins when the breaker stops a run
 * (docs/sync.md#brakes). One per job; a click consumes it by setting `decidedAt` where it is still
 * null, so only the first admin's click counts. `decidedKey` names the winning click's message, so a
 * re-run of that same click finishes its work instead of losing to itself.
 */
export const botDecisionCards = pgTable(
  "bot_decision_cards",
  {
    jobId: bigint("job_id", { mode: "number" })
      .primaryKey()
      .references(() => syncJobs.id, { onDelete: "cascade" }),
    teamId: bigint("team_id", { mode: "number" })
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    taskId: text("task_id").notNull(),
    recipients: jsonb("recipients").$type<string[]>().notNull(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    decision: text("decision").$type<"confirm" | "reject">(),
    decidedBy: text("decided_by"),
    decidedKey: text("decided_key"),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("bot_decision_cards_task").on(t.teamId, t.taskId), index("bot_decision_cards_team").on(t.teamId)],
);

/** When an admin was last greeted on opening the app: at most once a day (docs/architecture.md#admin-bot). */
export const botGreetings = pgTable(
  "bot_greetings",
  {
    teamId: bigint("team_id", { mode: "number" })
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    userKey: text("user_key").notNull(),
    greetedAt: timestamp("greeted_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userKey] })],
);
