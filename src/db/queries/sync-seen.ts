import { and, count, eq, inArray, sql } from "drizzle-orm";
import { syncSeenDepartments, syncSeenMembers } from "../schema";
import type { Db } from "../types";
import { arr, rowsOf } from "./sql-arrays";
import { LeaseLost } from "./sync-jobs";

export type SeenDepartment = Omit<typeof syncSeenDepartments.$inferInsert, "jobId">;
export type SeenMember = Omit<typeof syncSeenMembers.$inferInsert, "jobId">;

export async function insertSeenDepartments(db: Db, p: { jobId: number; rows: SeenDepartment[] }): Promise<void> {
  if (p.rows.length === 0) return;
  const r = p.rows;
  await db.execute(sql`
    insert into sync_seen_departments (job_id, id, name, parent_id, "order", content_hash)
    select ${p.jobId}, u.id, u.name, u.parent_id, u.ord, u.content_hash
    from unnest(${arr(r.map((d) => d.id))}::bigint[], ${arr(r.map((d) => d.name))}::text[], ${arr(r.map((d) => d.parentId))}::bigint[],
                ${arr(r.map((d) => d.order))}::bigint[], ${arr(r.map((d) => d.contentHash))}::text[]) as u(id, name, parent_id, ord, content_hash)
    on conflict do nothing`);
}

const mergeStatement = (jobId: number, r: SeenMember[], only = sql``) => sql`
  insert into sync_seen_members as s (job_id, user_key, user_id, name, department_ids, main_department_id, position, wecom_status, email)
  select ${jobId}, u.user_key, u.user_id, u.name, u.department_ids, u.main_department_id, u.position, u.wecom_status, u.email
  from unnest(${arr(r.map((m) => m.userKey))}::text[], ${arr(r.map((m) => m.userId))}::text[], ${arr(r.map((m) => m.name))}::text[],
              ${arr(r.map((m) => JSON.stringify(m.departmentIds)))}::jsonb[], ${arr(r.map((m) => m.mainDepartmentId ?? null))}::bigint[],
              ${arr(r.map((m) => m.position ?? null))}::text[], ${arr(r.map((m) => m.wecomStatus ?? null))}::int[],
              ${arr(r.map((m) => m.email ?? null))}::text[])
    as u(user_key, user_id, name, department_ids, main_department_id, position, wecom_status, email)
  ${only}
  on conflict (job_id, user_key) do update set department_ids =
    (select coalesce(jsonb_agg(d order by d::bigint), '[]'::jsonb)
     from (select distinct value as d from jsonb_array_elements(s.department_ids || excluded.department_ids)) u)`;

/**
 * Adds a page of members; one already seen in another department keeps the union of both
 * department lists (wecom-reference §5 step 4). Re-running a page changes nothing. One statement
 * with a parameter per column, not per value: a step carries a thousand rows.
 */
export async function mergeSeenMembers(db: Db, p: { jobId: number; rows: SeenMember[] }): Promise<void> {
  if (p.rows.length === 0) return;
  await db.execute(mergeStatement(p.jobId, p.rows));
}

/**
 * The same merge on its own, while the step goes on reading pages: only while `runnerId` holds
 * the running job (else LeaseLost, and nothing is written), so a runner that stalled past its
 * lease cannot add to its successor's listing. One statement: the lease check is its first part.
 * Seen rows are scratch and the merge idempotent: if this commits and the step then fails, the
 * step's cursor has not moved and the step merges the same pages again.
 */
export async function mergeSeenMembersWhileHolding(db: Db, p: { jobId: number; runnerId: string; rows: SeenMember[] }): Promise<void> {
  if (p.rows.length === 0) return;
  const [row] = rowsOf<{ held: number | string }>(
    await db.execute(sql`
      with lease as (select id from sync_jobs where id = ${p.jobId} and runner_id = ${p.runnerId} and state = 'running' for share),
      merged as (${mergeStatement(p.jobId, p.rows, sql`where exists (select 1 from lease)`)} returning 1)
      select count(*) as held from lease`),
  );
  if (Number(row?.held ?? 0) === 0) throw new LeaseLost(p.jobId);
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
