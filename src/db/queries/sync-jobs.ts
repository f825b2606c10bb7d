import { and, desc, eq, gte, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { syncJobs, type Initiator, type JobCounts, type JobState } from "../schema";
import type { Db } from "../types";

export type JobRow = typeof syncJobs.$inferSelect;

export const emptyCounts = (): JobCounts => ({
  departments: { created: 0, updated: 0, moved: 0, deleted: 0 },
  members: { created: 0, updated: 0, moved: 0, deprovisioned: 0 },
});

const OPEN: JobState[] = ["queued", "running", "needs_confirmation"];

/** Starts a job, or returns the team's open one: the partial unique index admits one (docs/architecture.md#coordination-lives-in-postgresql). */
export async function createOrGetOpenJob(
  db: Db,
  p: { teamId: number; initiator: Initiator; now: Date },
): Promise<{ job: JobRow; created: boolean }> {
  const inserted = await db
    .insert(syncJobs)
    .values({
      teamId: p.teamId,
      state: "queued",
      phase: "queued",
      counts: emptyCounts(),
      initiator: p.initiator,
      createdAt: p.now,
      updatedAt: p.now,
    })
    .onConflictDoNothing()
    .returning();
  if (inserted[0]) return { job: inserted[0], created: true };
  const open = await db
    .select()
    .from(syncJobs)
    .where(and(eq(syncJobs.teamId, p.teamId), inArray(syncJobs.state, OPEN)))
    .limit(1);
  if (!open[0]) throw new Error("no open job after conflict");
  return { job: open[0], created: false };
}

export async function findJob(db: Db, p: { teamId: number; jobId: number }): Promise<JobRow | null> {
  const rows = await db
    .select()
    .from(syncJobs)
    .where(and(eq(syncJobs.id, p.jobId), eq(syncJobs.teamId, p.teamId)))
    .limit(1);
  return rows[0] ?? null;
}

export async function latestJobs(db: Db, p: { teamId: number; limit: number }): Promise<JobRow[]> {
  return db.select().from(syncJobs).where(eq(syncJobs.teamId, p.teamId)).orderBy(desc(syncJobs.id)).limit(p.limit);
}

/** Takes the job's lease if nobody holds it (or its holder died): one runner per job. */
export async function claimJob(db: Db, p: { jobId: number; now: Date; leaseUntil: Date; runnerId: string }): Promise<JobRow | null> {
  const rows = await db
    .update(syncJobs)
    .set({
      leaseUntil: p.leaseUntil,
      runnerId: p.runnerId,
      state: sql`case when ${syncJobs.state} = 'queued' then 'running' else ${syncJobs.state} end`,
    })
    .where(
      and(
        eq(syncJobs.id, p.jobId),
        inArray(syncJobs.state, ["queued", "running"]),
        or(isNull(syncJobs.leaseUntil), lt(syncJobs.leaseUntil, p.now)),
      ),
    )
    .returning();
  return rows[0] ?? null;
}

/**
 * The runner's heartbeat: pushes its lease out while it still holds the running job. False when
 * another runner took the job over (or it ended): the caller has lost it and must stop.
 */
export async function renewJobLease(db: Db, p: { jobId: number; runnerId: string; leaseUntil: Date }): Promise<boolean> {
  const rows = await db
    .update(syncJobs)
    .set({ leaseUntil: p.leaseUntil })
    .where(and(eq(syncJobs.id, p.jobId), eq(syncJobs.runnerId, p.runnerId), eq(syncJobs.state, "running")))
    .returning({ id: syncJobs.id });
  return rows.length > 0;
}

export async function releaseJob(db: Db, p: { jobId: number; runnerId: string }): Promise<void> {
  await db
    .update(syncJobs)
    .set({ leaseUntil: null, runnerId: null })
    .where(and(eq(syncJobs.id, p.jobId), eq(syncJobs.runnerId, p.runnerId)));
}

export type JobUpdate = Partial<
  Pick<JobRow, "state" | "phase" | "done" | "total" | "cursor" | "counts" | "error" | "partial" | "leaseUntil" | "finishedAt">
>;

export class LeaseLost extends Error {
  constructor(jobId: number) {
    super(`job ${jobId}: another runner holds the lease`);
    this.name = "LeaseLost";
  }
}

/**
 * Updates a job; with `runnerId`, only while that runner still holds it, else throws LeaseLost
 * (inside the step's transaction, so the step's writes roll back too).
 */
export async function updateJob(db: Db, p: { jobId: number; now: Date; set: JobUpdate; runnerId?: string }): Promise<JobRow> {
  const rows = await db
    .update(syncJobs)
    .set({ ...p.set, updatedAt: p.now })
    .where(and(eq(syncJobs.id, p.jobId), p.runnerId === undefined ? undefined : eq(syncJobs.runnerId, p.runnerId)))
    .returning();
  if (!rows[0]) throw new LeaseLost(p.jobId);
  return rows[0];
}

/**
 * Adds what one apply page did to the job's member counts, in that page's own
 * transaction (step-apply.ts), so the counts move with the writes they count: a page that
 * committed is counted once, and one that rolled back not at all. Fenced like updateJob: a
 * runner that lost the job gets LeaseLost, and its page rolls back.
 */
export async function addJobCounts(
  db: Db,
  p: { jobId: number; runnerId: string; now: Date; members: { created: number; updated: number; moved: number } },
): Promise<void> {
  const m = p.members;
  const rows = await db
    .update(syncJobs)
    .set({
      counts: sql`jsonb_set(${syncJobs.counts}, '{members}', ${syncJobs.counts}->'members' || jsonb_build_object(
        'created', (${syncJobs.counts}#>>'{members,created}')::int + ${m.created}::int,
        'updated', (${syncJobs.counts}#>>'{members,updated}')::int + ${m.updated}::int,
        'moved', (${syncJobs.counts}#>>'{members,moved}')::int + ${m.moved}::int))`,
      updatedAt: p.now,
    })
    .where(and(eq(syncJobs.id, p.jobId), eq(syncJobs.runnerId, p.runnerId), eq(syncJobs.state, "running")))
    .returning({ id: syncJobs.id });
  if (!rows[0]) throw new LeaseLost(p.jobId);
}

export async function requestCancel(db: Db, p: { jobId: number }): Promise<void> {
  await db.update(syncJobs).set({ cancelRequested: true }).where(eq(syncJobs.id, p.jobId));
}

/** Jobs a scheduler should drive: queued, or running with a lapsed lease (its runner crashed). */
export async function runnableJobs(db: Db, p: { now: Date }): Promise<JobRow[]> {
  return db
    .select()
    .from(syncJobs)
    .where(and(inArray(syncJobs.state, ["queued", "running"]), or(isNull(syncJobs.leaseUntil), lt(syncJobs.leaseUntil, p.now))))
    .orderBy(syncJobs.id);
}

/** Moves a job out of `from` only if it is still there: two admins answering at once get one effect. */
export async function transitionJob(db: Db, p: { jobId: number; from: JobState; now: Date; set: JobUpdate }): Promise<JobRow | null> {
  const rows = await db
    .update(syncJobs)
    .set({ ...p.set, updatedAt: p.now })
    .where(and(eq(syncJobs.id, p.jobId), eq(syncJobs.state, p.from)))
    .returning();
  return rows[0] ?? null;
}

export async function jobById(db: Db, p: { jobId: number }): Promise<JobRow | null> {
  const rows = await db.select().from(syncJobs).where(eq(syncJobs.id, p.jobId)).limit(1);
  return rows[0] ?? null;
}

/** The latest job of the team created at or after `since` (what a re-run of `同步` already started). */
export async function jobStartedSince(db: Db, p: { teamId: number; since: Date }): Promise<number | null> {
  const rows = await db
    .select({ id: syncJobs.id })
    .from(syncJobs)
    .where(and(eq(syncJobs.teamId, p.teamId), gte(syncJobs.createdAt, p.since)))
    .orderBy(sql`${syncJobs.id} desc`)
    .limit(1);
  return rows[0]?.id ?? null;
}
