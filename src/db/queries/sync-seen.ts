import { and, count, eq, inArray, sql } from "drizzle-orm";
import { syncSeenDepartments, syncSeenMembers } from "../schema";
import type { Db } from "../types";

export type SeenDepartment = Omit<typeof syncSeenDepartments.$inferInsert, "jobId">;
export type SeenMember = Omit<typeof syncSeenMembers.$inferInsert, "jobId">;

export async function insertSeenDepartments(db: Db, p: { jobId: number; rows: SeenDepartment[] }): Promise<void> {
  for (let i = 0; i < p.rows.length; i += 1000) {
    await db
      .insert(syncSeenDepartments)
      .values(p.rows.slice(i, i + 1000).map((r) => ({ ...r, jobId: p.jobId })))
      .onConflictDoNothing();
  }
}

/**
 * Adds a page of members; one already seen in another department keeps the union of both
 * department lists (wecom-reference §5 step 4). Re-running a page changes nothing.
 */
export async function mergeSeenMembers(db: Db, p: { jobId: number; rows: SeenMember[] }): Promise<void> {
  if (p.rows.length === 0) return;
  await db
    .insert(syncSeenMembers)
    .values(p.rows.map((r) => ({ ...r, jobId: p.jobId })))
    .onConflictDoUpdate({
      target: [syncSeenMembers.jobId, syncSeenMembers.userKey],
      set: {
        departmentIds: sql`(select coalesce(jsonb_agg(d order by d::bigint), '[]'::jsonb) from (select distinct value as d from jsonb_array_elements(${syncSeenMembers.departmentIds} || excluded.department_ids)) u)`,
      },
    });
}

export async function countSeen(db: Db, p: { jobId: number }): Promise<{ departments: number; members: number }> {
  const [d] = await db.select({ n: count() }).from(syncSeenDepartments).where(eq(syncSeenDepartments.jobId, p.jobId));
  const [m] = await db.select({ n: count() }).from(syncSeenMembers).where(eq(syncSeenMembers.jobId, p.jobId));
  return { departments: Number(d?.n ?? 0), members: Number(m?.n ?? 0) };
}

export async function seenDepartments(db: Db, p: { jobId: number }) {
  return db.select().from(syncSeenDepartments).where(eq(syncSeenDepartments.jobId, p.jobId));
}

export async function seenMemberKeys(db: Db, p: { jobId: number; keys: string[] }): Promise<Set<string>> {
  if (p.keys.length === 0) return new Set();
  const rows = await db
    .select({ k: syncSeenMembers.userKey })
    .from(syncSeenMembers)
    .where(and(eq(syncSeenMembers.jobId, p.jobId), inArray(syncSeenMembers.userKey, p.keys)));
  return new Set(rows.map((r) => r.k));
}

export async function clearSeen(db: Db, p: { jobId: number }): Promise<void> {
  await db.delete(syncSeenMembers).where(eq(syncSeenMembers.jobId, p.jobId));
  await db.delete(syncSeenDepartments).where(eq(syncSeenDepartments.jobId, p.jobId));
}

/**
 * The seen table fills and empties within one job, so its statistics are always stale: without
 * them the apply step's page query plans for a few hundred rows and scans all 100,000.
 */
export async function analyzeSeen(db: Db): Promise<void> {
  await db.execute(sql`analyze sync_seen_members`);
}
