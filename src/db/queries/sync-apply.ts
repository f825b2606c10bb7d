import { sql } from "drizzle-orm";
import type { Initiator } from "../schema";
import type { Db } from "../types";
import { NEVER, observedText, type Observed } from "./observations";
import { arr, rowsOf } from "./sql-arrays";

// The apply step's members queries: a page of seen members against the mirror, and the bulk
// writes it leads to, as raw SQL with one parameter per column (see sql-arrays.ts).

/**
 * The fields of a member the mirror takes from WeCom besides its userid (services/directory/
 * mirror-shape.ts compares them as MemberFields).
 */
export interface MirrorColumns {
  name: string;
  departmentIds: number[];
  mainDepartmentId: number | null;
  position: string | null;
  wecomStatus: number | null;
  /** Lower-cased; only apps created before 2022-06-20 get it (docs/wecom.md#restricted-fields). */
  email: string | null;
}

/** The seen rows' names of the mirrored columns (members call the first one wecom_user_id). */
const MIRRORED = ["user_id", "name", "department_ids", "main_department_id", "position", "wecom_status", "email"] as const;
type Mirrored = (typeof MIRRORED)[number];

/**
 * A mirror row and a seen row agree on every mirrored field (the apply step's page; the members
 * step compares the same fields through memberHash, which covers exactly MIRRORED). The arguments
 * name each side's column for a seen-row column name.
 */
export const sameMirroredFields = (mirror: (c: Mirrored) => string, seen: (c: Mirrored) => string) =>
  sql.raw(`(${MIRRORED.map((c) => `${mirror(c)} is not distinct from ${seen(c)}`).join(" and ")})`);

export interface SeenPageRow {
  seen: MirrorColumns & { userKey: string; userId: string; observedAt: Observed };
  member: MirrorColumns & { id: number; wecomUserId: string | null; deprovisioned: boolean };
}

export interface SeenPage {
  /** Seen rows in the page with no mirror row yet (see createMembersInRange). */
  creates: number;
  /** Mirror rows in the page that may change: marked deprovisioned, or differing in a field. */
  rows: SeenPageRow[];
}

interface SeenPageRaw {
  creates: number | string;
  user_key: string | null;
  user_id: string;
  name: string;
  department_ids: number[];
  main_department_id: number | string | null;
  position: string | null;
  wecom_status: number | null;
  email: string | null;
  observed_text: string | null;
  member_id: number | string;
  m_user_id: string | null;
  m_name: string;
  m_department_ids: number[];
  m_main_department_id: number | string | null;
  m_position: string | null;
  m_wecom_status: number | null;
  m_email: string | null;
  m_deprovisioned: boolean;
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

/**
 * Where the next page of seen members ends: its size and last key (null when none is left),
 * from the primary key alone, so the apply step can mark out pages before it reads any.
 */
export async function seenPageEnd(
  db: Db,
  p: { jobId: number; afterKey: string; limit: number },
): Promise<{ n: number; lastKey: string | null }> {
  const [row] = rowsOf<{ n: number | string; last_key: string | null }>(
    await db.execute(sql`
      select count(*) as n, max(user_key) as last_key
      from (select user_key from sync_seen_members where job_id = ${p.jobId} and user_key > ${p.afterKey} order by user_key limit ${p.limit}) p`),
  );
  return { n: Number(row?.n ?? 0), lastKey: row?.last_key ?? null };
}

/**
 * The next page of seen members in key order (its size and end come from seenPageEnd): how many
 * are new to the mirror, and only the mirror rows that may need a write — marked deprovisioned or differing
 * in a mirrored field (the caller still decides by content hash), and holding nothing observed since
 * the page was read (docs/observations.md: a later observation always wins). An unchanged page is one row.
 * The lateral `limit 1` keeps the mirror lookup an index probe per row: during an import the
 * members table grows faster than its statistics, and a hash join would scan all of it per page.
 */
export async function seenChangesPage(db: Db, p: { teamId: number; jobId: number; afterKey: string; limit: number }): Promise<SeenPage> {
  const raw = rowsOf<SeenPageRaw>(
    await db.execute(sql`
      with page as (
        select p.*, m.id as member_id, m.wecom_user_id as m_user_id, m.name as m_name, m.department_ids as m_department_ids,
               m.main_department_id as m_main_department_id, m.position as m_position, m.wecom_status as m_wecom_status,
               m.email as m_email, m.deprovisioned_at is not null as m_deprovisioned, coalesce(m.observed_at, ${NEVER}) < p.observed_at as m_older
        from (select * from sync_seen_members where job_id = ${p.jobId} and user_key > ${p.afterKey} order by user_key limit ${p.limit}) p
        left join lateral (select * from members where team_id = ${p.teamId} and wecom_user_key = p.user_key limit 1) m on true
      ), changed as (
        select * from page
        where member_id is not null and m_older and (m_deprovisioned or not ${sameMirroredFields(
          (c) => `m_${c}`,
          (c) => c,
        )})
      )
      select t.creates, c.user_key, c.user_id, c.name, c.department_ids, c.main_department_id, c.position, c.wecom_status, c.email,
             ${observedText("c.observed_at")} as observed_text,
             c.member_id, c.m_user_id, c.m_name, c.m_department_ids, c.m_main_department_id, c.m_position, c.m_wecom_status, c.m_email, c.m_deprovisioned
      from (select count(*) filter (where member_id is null) as creates from page) t
      left join changed c on true
      order by c.user_key`),
  );
  const head = raw[0];
  const rows: SeenPageRow[] = [];
  for (const r of raw) {
    if (r.user_key === null) continue;
    rows.push({
      seen: {
        userKey: r.user_key,
        userId: r.user_id,
        name: r.name,
        departmentIds: r.department_ids,
        mainDepartmentId: num(r.main_department_id),
        position: r.position,
        wecomStatus: r.wecom_status,
        email: r.email,
        observedAt: r.observed_text ?? NEVER,
      },
      member: {
        id: Number(r.member_id),
        wecomUserId: r.m_user_id,
        name: r.m_name,
        departmentIds: r.m_department_ids,
        mainDepartmentId: num(r.m_main_department_id),
        position: r.m_position,
        wecomStatus: r.m_wecom_status,
        email: r.m_email,
        deprovisioned: r.m_deprovisioned,
      },
    });
  }
  return { creates: Number(head?.creates ?? 0), rows };
}

/**
 * memberHash (mirror-shape.ts) in SQL: SHA-256 of the same JSON text, base64url, 27 characters.
 * to_json escapes text exactly as JSON.stringify does, and department ids are integers. Only for
 * a staged row whose hash the merge dropped (sync-seen.ts): about 6 µs a row, so the service's hash
 * is used whenever there is one.
 */
const memberHashSql = (s: string) =>
  sql.raw(`left(translate(encode(sha256(convert_to('[' || to_json(${s}.user_id)::text || ',' || to_json(${s}.name)::text || ','
    || replace(${s}.department_ids::text, ' ', '') || ',' || coalesce(${s}.main_department_id::text, 'null') || ','
    || coalesce(to_json(${s}.position)::text, 'null') || ',' || coalesce(${s}.wecom_status::text, 'null')
    || case when ${s}.email is null then '' else ',' || to_json(${s}.email)::text end || ']', 'UTF8')), 'base64'), '+/', '-_'), 27)`);

/**
 * Creates the mirror rows of this job's seen keys in (afterKey, lastKey] that have none yet, in
 * key order, each with one `member.created` audit entry — in PostgreSQL, so an import's 100,000
 * rows never travel to the service and back. A key that exists (a re-run of this page) is skipped,
 * and so is its audit entry; so is a key renamed away since the page was read (a tombstone, see
 * docs/observations.md). The caller holds the mirror lock, so no other writer creates keys
 * meanwhile. Answers how many were created.
 */
export async function createMembersInRange(
  db: Db,
  p: { teamId: number; jobId: number; afterKey: string; lastKey: string; now: Date; initiator: Initiator },
): Promise<number> {
  const now = p.now.toISOString();
  const [row] = rowsOf<{ n: number | string }>(
    await db.execute(sql`
      with ins as (
        insert into members (team_id, wecom_user_key, wecom_user_id, name, department_ids, main_department_id, position, wecom_status, email,
                             content_hash, observed_at, status, created_at, updated_at)
        select ${p.teamId}, s.user_key, s.user_id, s.name, s.department_ids, s.main_department_id, s.position, s.wecom_status, s.email,
               coalesce(s.content_hash, ${memberHashSql("s")}), s.observed_at, 'imported', ${now}::timestamptz, ${now}::timestamptz
        from sync_seen_members s
        where s.job_id = ${p.jobId} and s.user_key > ${p.afterKey} and s.user_key <= ${p.lastKey}
          and not exists (select 1 from mirror_tombstones t
                          where t.team_id = ${p.teamId} and t.kind = 'member' and t.key = s.user_key and t.observed_at >= s.observed_at)
        order by s.user_key
        on conflict do nothing
        returning id, wecom_user_id, name, department_ids, main_department_id, position, wecom_status, email, observed_at
      ), audit as (
        insert into audit_log (team_id, at, initiator, actor, action, subject_type, subject_id, job_id, before, after, observed_at)
        select ${p.teamId}, ${now}::timestamptz, ${p.initiator}, null, 'member.created', 'member', ins.id::text, ${p.jobId}, null,
               jsonb_build_object('wecomUserId', coalesce(ins.wecom_user_id, ''), 'name', ins.name, 'departmentIds', ins.department_ids,
                                  'mainDepartmentId', ins.main_department_id, 'position', ins.position, 'wecomStatus', ins.wecom_status,
                                  'email', ins.email), ins.observed_at
        from ins order by ins.id
      )
      select count(*) as n from ins`),
  );
  return Number(row?.n ?? 0);
}

/** A member as the mirror keeps it from WeCom, with its content hash (see mirror-shape.ts). */
export interface MirroredMember extends MirrorColumns {
  userKey: string;
  userId: string;
  contentHash: string;
  /** When WeCom was read for these fields (docs/observations.md). */
  observedAt: Observed;
}

/**
 * Sets mirror rows (by id) to what WeCom says, with their new content hash and read time;
 * `reappeared` also clears the deprovisioned mark (docs/sync.md#deletion-policies). A row holding a later observation
 * keeps it (docs/observations.md). One statement for the whole page, a parameter per column (see
 * sql-arrays.ts).
 */
export async function updateMembers(
  db: Db,
  p: { now: Date; rows: (MirroredMember & { id: number; reappeared: boolean })[] },
): Promise<void> {
  if (p.rows.length === 0) return;
  const r = p.rows;
  await db.execute(sql`
    update members m
    set wecom_user_id = u.user_id, name = u.name, department_ids = u.department_ids, main_department_id = u.main_department_id,
        position = u.position, wecom_status = u.wecom_status, email = u.email, content_hash = u.content_hash, updated_at = ${p.now.toISOString()}::timestamptz,
        deprovisioned_at = case when u.reappeared = 1 then null else m.deprovisioned_at end, observed_at = u.observed_at::timestamptz
    from unnest(${arr(r.map((x) => x.id))}::bigint[], ${arr(r.map((x) => x.userId))}::text[], ${arr(r.map((x) => x.name))}::text[],
                ${arr(r.map((x) => JSON.stringify(x.departmentIds)))}::jsonb[], ${arr(r.map((x) => x.mainDepartmentId))}::bigint[],
                ${arr(r.map((x) => x.position))}::text[], ${arr(r.map((x) => x.wecomStatus))}::int[], ${arr(r.map((x) => x.email))}::text[],
                ${arr(r.map((x) => x.contentHash))}::text[], ${arr(r.map((x) => (x.reappeared ? 1 : 0)))}::int[],
                ${arr(r.map((x) => x.observedAt))}::text[])
      as u(id, user_id, name, department_ids, main_department_id, position, wecom_status, email, content_hash, reappeared, observed_at)
    where m.id = u.id and coalesce(m.observed_at, ${NEVER}) < u.observed_at::timestamptz`);
}
