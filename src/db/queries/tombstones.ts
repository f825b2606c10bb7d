import { and, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { mirrorTombstones, syncJobs } from "../schema";
import type { Db } from "../types";
import type { Observed } from "./observations";

export type TombstoneKind = "department" | "member";

/** Records that these keys left the mirror as of `at`; an older record of the same key moves up to it. */
export async function buryKeys(db: Db, p: { teamId: number; kind: TombstoneKind; keys: string[]; at: Observed }): Promise<void> {
  if (p.keys.length === 0) return;
  await db
    .insert(mirrorTombstones)
    .values(p.keys.map((key) => ({ teamId: p.teamId, kind: p.kind, key, observedAt: p.at })))
    .onConflictDoUpdate({
      target: [mirrorTombstones.teamId, mirrorTombstones.kind, mirrorTombstones.key],
      set: { observedAt: sql`greatest(${mirrorTombstones.observedAt}, excluded.observed_at)` },
    });
}

/** Keys that left the mirror at `at` or later: an observation from `at` must not bring them back. */
export async function buriedSince(db: Db, p: { teamId: number; kind: TombstoneKind; at: Observed }): Promise<Set<string>> {
  const rows = await db
    .select({ key: mirrorTombstones.key })
    .from(mirrorTombstones)
    .where(and(eq(mirrorTombstones.teamId, p.teamId), eq(mirrorTombstones.kind, p.kind), gte(mirrorTombstones.observedAt, p.at)));
  return new Set(rows.map((r) => r.key));
}

/** Which of these keys have a tombstone, of any age: their absence was observed and is remembered. */
export async function buriedAmong(db: Db, p: { teamId: number; kind: TombstoneKind; keys: string[] }): Promise<Set<string>> {
  if (p.keys.length === 0) return new Set();
  const rows = await db
    .select({ key: mirrorTombstones.key })
    .from(mirrorTombstones)
    .where(and(eq(mirrorTombstones.teamId, p.teamId), eq(mirrorTombstones.kind, p.kind), inArray(mirrorTombstones.key, p.keys)));
  return new Set(rows.map((r) => r.key));
}

/** Keys back in the mirror through a newer observation. */
export async function unburyKeys(db: Db, p: { teamId: number; kind: TombstoneKind; keys: string[] }): Promise<void> {
  if (p.keys.length === 0) return;
  await db
    .delete(mirrorTombstones)
    .where(and(eq(mirrorTombstones.teamId, p.teamId), eq(mirrorTombstones.kind, p.kind), inArray(mirrorTombstones.key, p.keys)));
}

/**
 * Forgets tombstones older than `before` and than every job still open: only a listing read before
 * a tombstone could bring its key back, and a job's listing is never older than the job.
 */
export async function pruneTombstones(db: Db, p: { before: Date }): Promise<void> {
  const openSince = sql`(select min(${syncJobs.createdAt}) from ${syncJobs} where ${syncJobs.state} in ('queued', 'running', 'needs_confirmation'))`;
  await db
    .delete(mirrorTombstones)
    .where(lt(mirrorTombstones.observedAt, sql`least(${p.before.toISOString()}::timestamptz, ${openSince})`));
}
