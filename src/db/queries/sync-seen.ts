import { count, eq, sql, type SQL } from "drizzle-orm";
import { syncSeenDepartments, syncSeenMembers, syncSeenUnchanged } from "../schema";
import type { Db } from "../types";
import { arr, rowsOf } from "./sql-arrays";
import { sameMirroredFields } from "./sync-apply";
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

/**
 * One merge of seen members, as the common table expressions of one statement (`lease`, when
 * given, comes first and gates both writes). A member the mirror already holds with exactly these
 * fields (and not deprovisioned) is unchanged: only its key is kept, in one array row per merge.
 * The others are staged in full; one already seen in another department keeps the union of both
 * department lists (wecom-reference §5 step 4). The comparison is the apply step's
 * (sameMirroredFields): a member kept as unchanged is one that step would have skipped anyway. Each
 * listing of a member carries all its departments (the user object of §4.6–4.7), so one listing
 * equal to the mirror is the member unchanged, whichever department's page it came from.
 */
const mergeStatement = (p: { jobId: number; teamId: number; rows: SeenMember[] }, lease?: SQL) => {
  const r = p.rows;
  const gate = lease ? sql`exists (select 1 from lease)` : sql`true`;
  return sql`
  with ${lease ? sql`lease as (${lease}),` : sql``}
  u as materialized (
    select * from unnest(${arr(r.map((m) => m.userKey))}::text[], ${arr(r.map((m) => m.userId))}::text[], ${arr(r.map((m) => m.name))}::text[],
                ${arr(r.map((m) => JSON.stringify(m.departmentIds)))}::jsonb[], ${arr(r.map((m) => m.mainDepartmentId ?? null))}::bigint[],
                ${arr(r.map((m) => m.position ?? null))}::text[], ${arr(r.map((m) => m.wecomStatus ?? null))}::int[],
                ${arr(r.map((m) => m.email ?? null))}::text[])
      as u(user_key, user_id, name, department_ids, main_department_id, position, wecom_status, email)
  ), unchanged as materialized (
    select u.user_key from u
    join members m on m.team_id = ${p.teamId} and m.wecom_user_key = u.user_key
    where m.deprovisioned_at is null and ${sameMirroredFields((c) => `m.${c === "user_id" ? "wecom_user_id" : c}`, (c) => `u.${c}`)}
  ), kept as (
    insert into sync_seen_unchanged (job_id, user_keys)
    select ${p.jobId}, array_agg(user_key) from unchanged where ${gate} having count(*) > 0
  ), staged as (
    insert into sync_seen_members as s (job_id, user_key, user_id, name, department_ids, main_department_id, position, wecom_status, email)
    select ${p.jobId}, u.user_key, u.user_id, u.name, u.department_ids, u.main_department_id, u.position, u.wecom_status, u.email
    from u where ${gate} and not exists (select 1 from unchanged c where c.user_key = u.user_key)
    on conflict (job_id, user_key) do update set department_ids =
      (select coalesce(jsonb_agg(d order by d::bigint), '[]'::jsonb)
       from (select distinct value as d from jsonb_array_elements(s.department_ids || excluded.department_ids)) u)
  )`;
};

/**
 * Adds a page of members (see mergeStatement). Re-running a page changes nothing that matters:
 * staged rows merge again, and a key kept twice is still one member. One statement with a
 * parameter per column, not per value: a step carries a thousand rows.
 */
export async function mergeSeenMembers(db: Db, p: { jobId: number; teamId: number; rows: SeenMember[] }): Promise<void> {
  if (p.rows.length === 0) return;
  await db.execute(sql`${mergeStatement(p)} select 1`);
}

/**
 * The same merge on its own, while the step goes on reading pages: only while `runnerId` holds
 * the running job (else LeaseLost, and nothing is written), so a runner that stalled past its
 * lease cannot add to its successor's listing. One statement: the lease check is its first part.
 * Seen rows are scratch and the merge idempotent: if this commits and the step then fails, the
 * step's cursor has not moved and the step merges the same pages again.
 */
export async function mergeSeenMembersWhileHolding(db: Db, p: { jobId: number; teamId: number; runnerId: string; rows: SeenMember[] }): Promise<void> {
  if (p.rows.length === 0) return;
  const lease = sql`select id from sync_jobs where id = ${p.jobId} and runner_id = ${p.runnerId} and state = 'running' for share`;
  const [row] = rowsOf<{ held: number | string }>(await db.execute(sql`${mergeStatement(p, lease)} select count(*) as held from lease`));
  if (Number(row?.held ?? 0) === 0) throw new LeaseLost(p.jobId);
}

/**
 * What a run saw: departments, members (distinct keys, staged or unchanged: the listing's size for
 * the brakes) and staged members (the apply step's work).
 */
export async function countSeen(db: Db, p: { jobId: number }): Promise<{ departments: number; members: number; staged: number }> {
  const [d] = await db.select({ n: count() }).from(syncSeenDepartments).where(eq(syncSeenDepartments.jobId, p.jobId));
  const [m] = rowsOf<{ members: number | string; staged: number | string }>(
    await db.execute(sql`
      select (select count(*) from ${seenKeys(p.jobId)} k) as members,
             (select count(*) from sync_seen_members where job_id = ${p.jobId}) as staged`),
  );
  return { departments: Number(d?.n ?? 0), members: Number(m?.members ?? 0), staged: Number(m?.staged ?? 0) };
}

/** Every key a run saw, once: a subquery (alias it) over the staged rows and the unchanged keys. */
export const seenKeys = (jobId: number) => sql`(
  select user_key from sync_seen_members where job_id = ${jobId}
  union
  select unnest(user_keys) from sync_seen_unchanged where job_id = ${jobId})`;

export async function seenDepartments(db: Db, p: { jobId: number }) {
  return db.select().from(syncSeenDepartments).where(eq(syncSeenDepartments.jobId, p.jobId));
}

export async function clearSeen(db: Db, p: { jobId: number }): Promise<void> {
  await db.delete(syncSeenMembers).where(eq(syncSeenMembers.jobId, p.jobId));
  await db.delete(syncSeenUnchanged).where(eq(syncSeenUnchanged.jobId, p.jobId));
  await db.delete(syncSeenDepartments).where(eq(syncSeenDepartments.jobId, p.jobId));
}

/**
 * The seen table fills and empties within one job, so its statistics are always stale: without
 * them the apply step's page query plans for a few hundred rows and scans all 100,000.
 */
export async function analyzeSeen(db: Db): Promise<void> {
  await db.execute(sql`analyze sync_seen_members`);
}
