import { count, eq, sql, type SQL } from "drizzle-orm";
import { syncSeenDepartments, syncSeenMembers, syncSeenUnchanged } from "../schema";
import type { Db } from "../types";
import { arr, rowsOf } from "./sql-arrays";
import { LeaseLost } from "./sync-jobs";
import { NEVER, observedText, type Observed } from "./observations";

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
 * One merge: members listed for the first time in this job (`fresh`), members listed before with
 * other fields (`again`), and the keys of those the mirror already holds exactly so.
 */
export interface SeenMerge {
  jobId: number;
  fresh: SeenMember[];
  again: SeenMember[];
  unchangedKeys: string[];
}

const seenRows = (r: SeenMember[]) => sql`
  unnest(${arr(r.map((m) => m.userKey))}::text[], ${arr(r.map((m) => m.userId))}::text[], ${arr(r.map((m) => m.name))}::text[],
         ${arr(r.map((m) => JSON.stringify(m.departmentIds)))}::jsonb[], ${arr(r.map((m) => m.mainDepartmentId ?? null))}::bigint[],
         ${arr(r.map((m) => m.position ?? null))}::text[], ${arr(r.map((m) => m.wecomStatus ?? null))}::int[],
         ${arr(r.map((m) => m.email ?? null))}::text[], ${arr(r.map((m) => m.contentHash ?? null))}::text[],
         ${arr(r.map((m) => m.observedAt ?? NEVER))}::text[])
  as u(user_key, user_id, name, department_ids, main_department_id, position, wecom_status, email, content_hash, observed_at)`;
const SEEN_COLUMNS = sql.raw(
  "job_id, user_key, user_id, name, department_ids, main_department_id, position, wecom_status, email, content_hash, observed_at",
);
const SEEN_VALUES = sql.raw(
  "u.user_key, u.user_id, u.name, u.department_ids, u.main_department_id, u.position, u.wecom_status, u.email, u.content_hash, u.observed_at::timestamptz",
);

/**
 * One merge of seen members, as the common table expressions of one statement (`lease`, when
 * given, comes first and gates every write). Members the service found unchanged (their content
 * hash equals the mirror's, see step-members.ts) are kept only as keys, in one array row per
 * merge; the others are staged in full with the read time of their page. A fresh member is a plain
 * insert: the runner knows every key its job holds (RunnerMemo.recorded), and ON CONFLICT would
 * cost each row a speculative insertion, a third of staging 100,000 rows. A member listed again
 * with other fields (WeCom changed it between two of its departments' pages) takes the row of the
 * later page whole: every page lists a member with all its departments (docs/wecom.md#usersimplelist-and-userlist),
 * so the later page is the member as of a later time, and fields and read time stay one
 * observation (docs/observations.md). No lookup of the mirror here: that was most of an unchanged
 * re-sync's PostgreSQL time (BENCHMARKS.md, import).
 */
const mergeStatement = (p: SeenMerge, lease?: SQL) => {
  const gate = lease ? sql`where exists (select 1 from lease)` : sql``;
  const parts: SQL[] = lease ? [sql`lease as (${lease})`] : [];
  if (p.unchangedKeys.length > 0) {
    parts.push(
      sql`kept as (insert into sync_seen_unchanged (job_id, user_keys) select ${p.jobId}, ${arr(p.unchangedKeys)}::text[] ${gate})`,
    );
  }
  if (p.fresh.length > 0) {
    parts.push(
      sql`fresh as (insert into sync_seen_members (${SEEN_COLUMNS}) select ${p.jobId}, ${SEEN_VALUES} from ${seenRows(p.fresh)} ${gate})`,
    );
  }
  if (p.again.length > 0) {
    parts.push(sql`again as (
    insert into sync_seen_members as s (${SEEN_COLUMNS}) select ${p.jobId}, ${SEEN_VALUES} from ${seenRows(p.again)} ${gate}
    on conflict (job_id, user_key) do update set
      user_id = excluded.user_id, name = excluded.name, department_ids = excluded.department_ids,
      main_department_id = excluded.main_department_id, position = excluded.position, wecom_status = excluded.wecom_status,
      email = excluded.email, content_hash = excluded.content_hash, observed_at = excluded.observed_at
    where s.observed_at < excluded.observed_at)`);
  }
  return sql`with ${sql.join(parts, sql`, `)}`;
};

const isEmpty = (p: SeenMerge) => p.fresh.length === 0 && p.again.length === 0 && p.unchangedKeys.length === 0;

/** What a job has recorded of a key: the content hash of its row, and when the page it came from was read. */
export interface Recorded {
  hash: string | null;
  at: Observed;
}

/**
 * Per member key, what a listing compares a listed member with: the mirror's content hash (a
 * string) while this job has recorded nothing of the key, what it recorded (a Recorded) once it
 * has. One map, not a map of the mirror and one of the job: a re-sync looks each listed member up
 * once instead of three times, and the job's record of a key the mirror holds reuses the mirror's
 * entry and key instead of a second entry and key string per member (BENCHMARKS.md, import-scale).
 */
export type ListingKeys = Map<string, string | Recorded>;

/**
 * The listing's keys (ListingKeys) as a runner finds them at its first members step: the content
 * hash of every member of the team the mirror holds from WeCom and has not marked deprovisioned —
 * a member marked deprovisioned is left out, so seeing it again stages it (it reappeared,
 * docs/sync.md#deletion-policies) — then what the job has recorded so far: its staged rows' hashes
 * and read times, and for a key kept as unchanged the mirror's hash it matched, with no read time
 * kept (NEVER), which only lets a later page's other fields be staged, each with its own read time.
 * The runner keeps it up to date as it merges (step-members.ts).
 */
export async function listingKeys(db: Db, p: { teamId: number; jobId: number }): Promise<ListingKeys> {
  const out: ListingKeys = new Map();
  const mirror = rowsOf<{ k: string; h: string | null }>(
    await db.execute(sql`
      select wecom_user_key as k, content_hash as h from members
      where team_id = ${p.teamId} and wecom_user_key is not null and deprovisioned_at is null and content_hash is not null`),
  );
  for (const r of mirror) if (r.h !== null) out.set(r.k, r.h);
  const kept = rowsOf<{ k: string }>(
    await db.execute(sql`select unnest(user_keys) as k from sync_seen_unchanged where job_id = ${p.jobId}`),
  );
  for (const r of kept) {
    const hash = out.get(r.k);
    out.set(r.k, { hash: typeof hash === "string" ? hash : null, at: NEVER });
  }
  const staged = rowsOf<{ k: string; h: string | null; at: string | null }>(
    await db.execute(
      sql`select user_key as k, content_hash as h, ${observedText("observed_at")} as at from sync_seen_members where job_id = ${p.jobId}`,
    ),
  );
  for (const r of staged) out.set(r.k, { hash: r.h, at: r.at ?? NEVER });
  return out;
}

/**
 * Adds a page of members (see mergeStatement). One statement with a parameter per column, not
 * per value: a step carries a thousand rows.
 */
export async function mergeSeenMembers(db: Db, p: SeenMerge): Promise<void> {
  if (isEmpty(p)) return;
  await db.execute(sql`${mergeStatement(p)} select 1`);
}

/**
 * The same merge on its own, while the step goes on reading pages: only while `runnerId` holds
 * the running job (else LeaseLost, and nothing is written), so a runner that stalled past its
 * lease cannot add to its successor's listing. One statement: the lease check is its first part.
 * If this commits and the step then fails, the job fails (or, LeaseLost, this runner stops); a
 * runner that resumes the step reads what is recorded first, so a listing merged here is not
 * inserted twice.
 */
export async function mergeSeenMembersWhileHolding(db: Db, p: SeenMerge & { runnerId: string }): Promise<void> {
  if (isEmpty(p)) return;
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

/**
 * The apply step's work: departments and staged members, without the distinct keys of countSeen
 * (a union of every key the run saw, which grows with the company; the plan step counted it once).
 */
export async function countSeenWork(db: Db, p: { jobId: number }): Promise<{ departments: number; staged: number }> {
  const [r] = rowsOf<{ departments: number | string; staged: number | string }>(
    await db.execute(sql`
      select (select count(*) from sync_seen_departments where job_id = ${p.jobId}) as departments,
             (select count(*) from sync_seen_members where job_id = ${p.jobId}) as staged`),
  );
  return { departments: Number(r?.departments ?? 0), staged: Number(r?.staged ?? 0) };
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
 * them the apply step's page query plans for a few hundred rows and scans all 100,000. The plan
 * needs the size and the key range, not fine histograms: a sample of 3,000 rows (target 10)
 * instead of 30,000 takes the ANALYZE from about 270 ms at 100,000 members to a fraction.
 * Callers run it inside a transaction, which `set local` needs.
 */
export async function analyzeSeen(db: Db): Promise<void> {
  await db.execute(sql`set local default_statistics_target = 10`);
  await db.execute(sql`analyze sync_seen_members`);
}
