import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { teams } from "./teams";

/** The team's mirror of WeCom departments; `id` is WeCom's department id. */
export const departments = pgTable(
  "departments",
  {
    teamId: bigint("team_id", { mode: "number" })
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    id: bigint("id", { mode: "number" }).notNull(),
    name: text("name").notNull(),
    parentId: bigint("parent_id", { mode: "number" }).notNull(),
    // WeCom's order runs to 2^32 (docs/wecom.md#departmentlist).
    order: bigint("order", { mode: "number" }).notNull(),
    contentHash: text("content_hash").notNull(),
    /** When what the row holds was observed in WeCom (docs/observations.md); null: before times were kept. */
    observedAt: timestamp("observed_at", { withTimezone: true, mode: "string" }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.id] })],
);

/**
 * What the mirror no longer holds, and since which observation: a department deleted, a userid
 * renamed away. A listing read before that observation must not bring it back (docs/observations.md).
 */
export const mirrorTombstones = pgTable(
  "mirror_tombstones",
  {
    teamId: bigint("team_id", { mode: "number" })
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    kind: text("kind").$type<"department" | "member">().notNull(),
    /** The department id, or the member's lower-cased userid. */
    key: text("key").notNull(),
    observedAt: timestamp("observed_at", { withTimezone: true, mode: "string" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.kind, t.key] })],
);

export const MEMBER_STATUSES = ["imported", "invited", "active", "locked", "deauthorized", "removed"] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];
export type MemberRole = "owner" | "admin" | "member";

/**
 * A WeCom member mirrored into a team, and their standing in it. `wecomUserKey` is the lower-cased
 * userid: WeCom compares userids ignoring case (docs/wecom.md#userids).
 */
export const members = pgTable(
  "members",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    teamId: bigint("team_id", { mode: "number" })
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    wecomUserId: text("wecom_user_id"),
    wecomUserKey: text("wecom_user_key"),
    name: text("name").notNull(),
    departmentIds: jsonb("department_ids")
      .$type<number[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    mainDepartmentId: bigint("main_department_id", { mode: "number" }),
    position: text("position"),
    /**
     * Lower-cased. Only apps created before 2022-06-20 get it from the contacts APIs
     * (docs/wecom.md#restricted-fields); one-click match compares it with account
     * emails (a suggestion: account emails are not verified).
     */
    email: text("email"),
    /** WeCom's own status: 1 active, 2 disabled, 4 not activated, 5 left (docs/wecom.md#userget). */
    wecomStatus: integer("wecom_status"),
    contentHash: text("content_hash"),
    /**
     * When what the row holds from WeCom was observed: the read time of the listing page or of the
     * re-read that set it (docs/observations.md). A later observation always wins.
     */
    observedAt: timestamp("observed_at", { withTimezone: true, mode: "string" }),
    status: text("status").$type<MemberStatus>().notNull().default("imported"),
    role: text("role").$type<MemberRole>(),
    accountId: bigint("account_id", { mode: "number" }),
    /**
     * When WeCom vouched for the link to `accountId`: the account's holder proved by OAuth to be this
     * userid (joining by invitation, self-binding) — or did so in another team of the same corp.
     * Null for links an admin or one-click match made from self-chosen account fields (username,
     * name, email). Only a vouched link may command the team from WeCom (services/access/wecom-admin.ts).
     */
    wecomVerifiedAt: timestamp("wecom_verified_at", { withTimezone: true }),
    /** The status to return to when a removal is restored (within 30 days) or a lock lifted. */
    statusBefore: text("status_before").$type<MemberStatus>(),
    deprovisionedAt: timestamp("deprovisioned_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("members_team_wecom_key").on(t.teamId, t.wecomUserKey),
    index("members_team_status").on(t.teamId, t.status, t.id),
    // An account's member rows: in one team on every signed-in team request (accountStanding), in
    // all its teams for the team switcher and settings (teamsOfAccount). Account first serves both.
    index("members_account_team").on(t.accountId, t.teamId),
    // The members list's department filter, `department_ids @> '[id]'` (jsonb_path_ops serves @> only).
    index("members_department_ids").using("gin", t.departmentIds.op("jsonb_path_ops")),
  ],
);

/**
 * The last observation time handed out (observeNow): the next is later than it even when the
 * database's clock has not moved on (PGlite's ticks in milliseconds) or stepped back. One row;
 * unlogged (the migration says so): after a crash it starts again from the clock.
 */
export const observationClock = pgTable("observation_clock", {
  id: integer("id").primaryKey(),
  last: timestamp("last", { withTimezone: true, mode: "string" }).notNull(),
});
