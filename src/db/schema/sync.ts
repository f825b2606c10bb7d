import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { teams } from "./teams";

export const JOB_STATES = ["queued", "running", "needs_confirmation", "succeeded", "failed", "cancelled"] as const;
export type JobState = (typeof JOB_STATES)[number];
export type JobPhase = "queued" | "scope" | "departments" | "members" | "plan" | "verify" | "apply" | "deprovision" | "done";
/** Who started a change: an admin (token, console, bot), WeCom (callback), the schedule, the service, or a member acting for themselves (join, self-binding). */
export type Initiator = "admin" | "callback" | "schedule" | "system" | "member";

export interface JobCounts {
  departments: { created: number; updated: number; moved: number; deleted: number };
  members: { created: number; updated: number; moved: number; deprovisioned: number };
}

/**
 * An import/sync run: bounded steps with a persisted cursor, so a crash or a Workers time limit
 * resumes it. The partial unique index keeps one unfinished job per team
 * (docs/architecture.md#coordination-lives-in-postgresql).
 */
export const syncJobs = pgTable(
  "sync_jobs",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    teamId: bigint("team_id", { mode: "number" })
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    state: text("state").$type<JobState>().notNull(),
    phase: text("phase").$type<JobPhase>().notNull(),
    done: integer("done").notNull().default(0),
    total: integer("total").notNull().default(0),
    cursor: jsonb("cursor")
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    counts: jsonb("counts").$type<JobCounts>().notNull(),
    error: jsonb("error").$type<{ code: string; message: string; errcode?: number; api?: string }>(),
    /** Any failed page, auth or rate-limit error: this run deprovisions nobody (docs/sync.md#brakes). */
    partial: boolean("partial").notNull().default(false),
    initiator: text("initiator").$type<Initiator>().notNull(),
    cancelRequested: boolean("cancel_requested").notNull().default(false),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    /** Who holds the lease: a runner whose lease lapsed may not commit over the one after it. */
    runnerId: text("runner_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("sync_jobs_one_open_per_team")
      .on(t.teamId)
      .where(sql`${t.state} in ('queued', 'running', 'needs_confirmation')`),
    index("sync_jobs_team_created").on(t.teamId, t.id),
  ],
);

/** The departments a run saw in WeCom, before planning. */
export const syncSeenDepartments = pgTable(
  "sync_seen_departments",
  {
    jobId: bigint("job_id", { mode: "number" })
      .notNull()
      .references(() => syncJobs.id, { onDelete: "cascade" }),
    id: bigint("id", { mode: "number" }).notNull(),
    name: text("name").notNull(),
    parentId: bigint("parent_id", { mode: "number" }).notNull(),
    order: bigint("order", { mode: "number" }).notNull(),
    contentHash: text("content_hash").notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.id] })],
);

/**
 * The members a run saw, merged across department pages (a member in several departments appears
 * in each page, docs/wecom.md#usersimplelist-and-userlist), so 100,000 members never sit in memory.
 */
export const syncSeenMembers = pgTable(
  "sync_seen_members",
  {
    // No foreign key to sync_jobs: its per-row check was a third of the cost of staging 100,000
    // rows (BENCHMARKS.md, import). The rows are written only by the job's fenced runner and
    // deleted when the job ends, is cancelled or fails (clearSeen); job ids are never reused.
    jobId: bigint("job_id", { mode: "number" }).notNull(),
    userKey: text("user_key").notNull(),
    userId: text("user_id").notNull(),
    name: text("name").notNull(),
    departmentIds: jsonb("department_ids").$type<number[]>().notNull(),
    mainDepartmentId: bigint("main_department_id", { mode: "number" }),
    position: text("position"),
    wecomStatus: integer("wecom_status"),
    email: text("email"),
    /**
     * memberHash of these fields, computed by the service as it reads the page (it compares it
     * with the mirror's anyway); null once a second listing widened the departments in SQL.
     */
    contentHash: text("content_hash"),
    /** When the page these fields come from was read (docs/observations.md). */
    observedAt: timestamp("observed_at", { withTimezone: true, mode: "string" })
      .notNull()
      .default(sql`'-infinity'`),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.userKey] })],
);

/**
 * Members a run saw exactly as the mirror already has them, as one array of keys per merge: an
 * unchanged re-sync then stages a few hundred rows instead of 100,000 (docs/sync.md#content-hashes: the re-sync must
 * cost well under the import). Only their keys matter — to know who was seen (docs/sync.md#brakes).
 */
export const syncSeenUnchanged = pgTable(
  "sync_seen_unchanged",
  {
    jobId: bigint("job_id", { mode: "number" }).notNull(),
    userKeys: text("user_keys").array().notNull(),
  },
  (t) => [index("sync_seen_unchanged_job_idx").on(t.jobId)],
);

/** Deprovisions held back by the breaker, waiting for an admin (docs/sync.md#brakes). */
export const stagedDeprovisions = pgTable(
  "staged_deprovisions",
  {
    jobId: bigint("job_id", { mode: "number" })
      .notNull()
      .references(() => syncJobs.id, { onDelete: "cascade" }),
    memberId: bigint("member_id", { mode: "number" }).notNull(),
    reason: text("reason").notNull(),
    /**
     * When a re-read confirmed the member gone (docs/observations.md): applied only if nothing newer
     * was observed since. Null for rows staged before observation times were kept.
     */
    observedAt: timestamp("observed_at", { withTimezone: true, mode: "string" }),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.memberId] })],
);

export type DeletionPolicy = "remove" | "lock" | "deauthorize";

export const teamPolicies = pgTable("team_policies", {
  teamId: bigint("team_id", { mode: "number" })
    .primaryKey()
    .references(() => teams.id, { onDelete: "cascade" }),
  onMemberDeleted: text("on_member_deleted").$type<DeletionPolicy>().notNull().default("lock"),
  lastGoodListingSize: integer("last_good_listing_size"),
  lastSuccessAt: timestamp("last_success_at", { withTimezone: true }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
});

/** Append-only: who changed what, before and after (docs/sync.md#audit). */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    teamId: bigint("team_id", { mode: "number" })
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    at: timestamp("at", { withTimezone: true }).notNull(),
    initiator: text("initiator").$type<Initiator>().notNull(),
    actor: text("actor"),
    action: text("action").notNull(),
    subjectType: text("subject_type").notNull(),
    subjectId: text("subject_id").notNull(),
    jobId: bigint("job_id", { mode: "number" }),
    before: jsonb("before"),
    after: jsonb("after"),
    /** For a change taken from WeCom: when the observation that set it was read (docs/observations.md). */
    observedAt: timestamp("observed_at", { withTimezone: true, mode: "string" }),
  },
  (t) => [index("audit_team_id").on(t.teamId, t.id), index("audit_team_subject").on(t.teamId, t.subjectType, t.subjectId)],
);
