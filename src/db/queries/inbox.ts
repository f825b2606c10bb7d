import { and, count, eq, inArray, lt, lte, or, sql } from "drizzle-orm";
import { callbackInbox, type InboxStatus } from "../schema";
import type { Db } from "../types";
import { deleteOldest } from "./delete-oldest";

export type InboxRow = typeof callbackInbox.$inferSelect;

export interface NewInboxRow {
  teamId: number;
  dedupeKey: string;
  handlerKey: string;
  subject: string | null;
  payload: string;
  receivedAt: Date;
  /** A contact hint: stored `waiting` while the team has no finished import (docs/observations.md). */
  waitsForImport: boolean;
}

/** Status of a stored row by `${teamId}:${dedupeKey}`; a repeated delivery is absent. */
export type StoredRows = Map<string, "pending" | "waiting">;

/**
 * Inserts verified callbacks; a duplicate (team, dedupe key) is ignored by the unique index, so
 * concurrent deliveries of one message leave one row
 * (docs/architecture.md#coordination-lives-in-postgresql). A contact hint for a team that has not
 * finished an import is parked in the same statement, so parking costs nothing per hint while an
 * import runs. Returns the rows that were new, with the status each got.
 */
export async function insertInboxRows(db: Db, rows: NewInboxRow[]): Promise<StoredRows> {
  if (rows.length === 0) return new Map();
  const inserted = await insertStatement(db).execute({
    teamIds: rows.map((r) => r.teamId),
    dedupeKeys: rows.map((r) => r.dedupeKey),
    handlerKeys: rows.map((r) => r.handlerKey),
    subjects: rows.map((r) => r.subject),
    payloads: rows.map((r) => r.payload),
    receivedAts: rows.map((r) => r.receivedAt.toISOString()),
    waits: rows.map((r) => (r.waitsForImport ? 1 : 0)),
  });
  return new Map(inserted.map((r) => [`${r.teamId}:${r.dedupeKey}`, r.status === "waiting" ? "waiting" : "pending"]));
}

/**
 * One prepared statement whatever the batch size, one array per column (times go as text, as in
 * sql-arrays.ts). drizzle built a multi-row VALUES per batch, inspecting every value, and left it
 * unprepared, so postgres.js asked for the parameter types before each bind: a second round trip.
 * Together they took over a third of the service's CPU per callback under load.
 * drizzle prepares selects only, hence the insert in a CTE. Where the driver prepares nothing
 * (Workers, through Hyperdrive) this runs unprepared, as before.
 */
function prepareInsert(db: Db) {
  const p = (name: string) => sql.placeholder(name);
  const ins = db
    .$with("ins", {
      teamId: sql<number | string>`team_id`.as("team_id"),
      dedupeKey: sql<string>`dedupe_key`.as("dedupe_key"),
      status: sql<InboxStatus>`status`.as("status"),
    })
    .as(
      sql`insert into callback_inbox (team_id, dedupe_key, handler_key, subject, payload, received_at, next_attempt_at, status)
          select u.team_id, u.dedupe_key, u.handler_key, u.subject, u.payload, u.received_at::timestamptz, u.received_at::timestamptz,
                 case when u.waits = 1 and not exists (select 1 from sync_jobs j where j.team_id = u.team_id and j.state = 'succeeded') then 'waiting' else 'pending' end
          from unnest(${p("teamIds")}::bigint[], ${p("dedupeKeys")}::text[], ${p("handlerKeys")}::text[], ${p("subjects")}::text[],
                      ${p("payloads")}::text[], ${p("receivedAts")}::text[], ${p("waits")}::int[])
            as u(team_id, dedupe_key, handler_key, subject, payload, received_at, waits)
          on conflict (team_id, dedupe_key) do nothing
          returning team_id, dedupe_key, status`,
    );
  return db.with(ins).select({ teamId: ins.teamId, dedupeKey: ins.dedupeKey, status: ins.status }).from(ins).prepare("insert_inbox_rows");
}

const insertStatements = new WeakMap<Db, ReturnType<typeof prepareInsert>>();

function insertStatement(db: Db): ReturnType<typeof prepareInsert> {
  let prepared = insertStatements.get(db);
  if (!prepared) insertStatements.set(db, (prepared = prepareInsert(db)));
  return prepared;
}

/**
 * Claims due rows for one processor: pending ones whose retry time came, and processing ones
 * whose lease ran out (their processor crashed). SKIP LOCKED lets processors share the table.
 */
export async function claimDueInbox(db: Db, p: { now: Date; leaseUntil: Date; limit: number }): Promise<InboxRow[]> {
  const due = db
    .select({ id: callbackInbox.id })
    .from(callbackInbox)
    .where(
      or(
        and(eq(callbackInbox.status, "pending"), lte(callbackInbox.nextAttemptAt, p.now)),
        and(eq(callbackInbox.status, "processing"), lt(callbackInbox.lockedUntil, p.now)),
      ),
    )
    .orderBy(callbackInbox.id)
    .limit(p.limit)
    .for("update", { skipLocked: true });
  return db
    .update(callbackInbox)
    .set({ status: "processing", lockedUntil: p.leaseUntil, attempts: sql`${callbackInbox.attempts} + 1` })
    .where(inArray(callbackInbox.id, due))
    .returning();
}

/**
 * The processor's heartbeat: pushes out the lease of the rows it still holds. A row is named with
 * the attempt it was claimed for, so once its lease lapsed and another processor re-claimed it
 * (attempts went up) the old claimer's renewal misses it. Returns the ids renewed.
 */
export async function renewInboxLease(db: Db, p: { rows: { id: number; attempts: number }[]; leaseUntil: Date }): Promise<Set<number>> {
  if (p.rows.length === 0) return new Set();
  const held = or(...p.rows.map((r) => and(eq(callbackInbox.id, r.id), eq(callbackInbox.attempts, r.attempts))));
  const rows = await db
    .update(callbackInbox)
    .set({ lockedUntil: p.leaseUntil })
    .where(and(eq(callbackInbox.status, "processing"), held))
    .returning({ id: callbackInbox.id });
  return new Set(rows.map((r) => r.id));
}

export async function finishInboxRows(
  db: Db,
  p: { ids: number[]; status: "processed" | "ignored" | "dead"; now: Date; error?: string },
): Promise<void> {
  if (p.ids.length === 0) return;
  await db
    .update(callbackInbox)
    .set({ status: p.status, finishedAt: p.now, lockedUntil: null, lastError: p.error ?? null })
    .where(inArray(callbackInbox.id, p.ids));
}

export async function retryInboxRow(db: Db, p: { id: number; nextAttemptAt: Date; error: string }): Promise<void> {
  await db
    .update(callbackInbox)
    .set({ status: "pending", nextAttemptAt: p.nextAttemptAt, lockedUntil: null, lastError: p.error })
    .where(eq(callbackInbox.id, p.id));
}

export async function countInboxByStatus(db: Db, p: { teamId: number }): Promise<Record<InboxStatus, number>> {
  const rows = await db
    .select({ status: callbackInbox.status, n: count() })
    .from(callbackInbox)
    .where(eq(callbackInbox.teamId, p.teamId))
    .groupBy(callbackInbox.status);
  const out: Record<InboxStatus, number> = { pending: 0, processing: 0, processed: 0, ignored: 0, dead: 0, waiting: 0 };
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}

/**
 * After a handler re-read WeCom's state for a subject, pending rows about the same subject that
 * arrived before that re-read carry nothing newer: they are done too (bursts coalesce).
 */
export async function coalesceInbox(db: Db, p: { teamId: number; subject: string; receivedBefore: Date; now: Date }): Promise<number> {
  const rows = await db
    .update(callbackInbox)
    .set({ status: "processed", finishedAt: p.now, lockedUntil: null })
    .where(
      and(
        eq(callbackInbox.teamId, p.teamId),
        eq(callbackInbox.subject, p.subject),
        eq(callbackInbox.status, "pending"),
        lte(callbackInbox.receivedAt, p.receivedBefore),
      ),
    )
    .returning({ id: callbackInbox.id });
  return rows.length;
}

/**
 * Deletes up to `limit` finished rows, oldest first: handled or ignored ones finished before
 * `doneBefore`, dead letters before `deadBefore`. Live and parked rows stay however old.
 */
export function pruneInboxRows(db: Db, p: { doneBefore: Date; deadBefore: Date; limit: number }): Promise<number> {
  return deleteOldest(db, {
    table: "callback_inbox",
    where: sql`(callback_inbox.status in ('processed', 'ignored') and callback_inbox.finished_at < ${p.doneBefore.toISOString()}::timestamptz)
      or (callback_inbox.status = 'dead' and callback_inbox.finished_at < ${p.deadBefore.toISOString()}::timestamptz)`,
    limit: p.limit,
  });
}
