// The mirror against WeCom (the emulator's org) at the end of a run, by the rules of
// test/helpers/sync-scenarios.ts expectedMirror: every department; every member not left (status
// 5) with a department, departments de-duplicated and sorted, the main department kept when it
// exists, else the first; an empty position is null. The mirror's members are those not marked
// deprovisioned. Also: members staged for deprovision, or deprovisioned, who are still in WeCom.
import type postgres from "postgres";
import type { OrgSnapshot } from "./contact-changes";

interface MemberShape {
  name: string;
  department_ids: number[];
  main_department_id: number | null;
  position: string | null;
}
interface DepartmentShape {
  name: string;
  parent_id: number;
  order: number;
}

export interface Differences {
  /** In WeCom, not in the mirror. */
  missing: string[];
  /** In the mirror, not in WeCom. */
  extra: string[];
  /** In both, with these fields differing. */
  differing: { key: string; fields: string[]; mirror: unknown; wecom: unknown }[];
}

export interface MirrorCheck {
  members: Differences;
  departments: Differences;
  /** staged_deprovisions rows (any job of the team) whose member is in WeCom: "job 3: zhangsan". */
  wronglyStaged: string[];
  staged: number;
  /** Members marked deprovisioned who are in WeCom. */
  wronglyDeprovisioned: string[];
  deprovisioned: number;
}

export function expectedMembers(org: OrgSnapshot): Map<string, MemberShape> {
  const exists = new Set(org.departments.map((d) => d.id));
  const out = new Map<string, MemberShape>();
  for (const u of org.users) {
    if (u.status === 5) continue;
    const ids = [...new Set(u.department.filter((d) => exists.has(d)))].sort((a, b) => a - b);
    if (ids.length === 0) continue;
    out.set(u.userid.toLowerCase(), {
      name: u.name,
      department_ids: ids,
      main_department_id: exists.has(u.main_department) ? u.main_department : (ids[0] ?? null),
      position: u.position ? u.position : null,
    });
  }
  return out;
}

function expectedDepartments(org: OrgSnapshot): Map<string, DepartmentShape> {
  return new Map(org.departments.map((d) => [String(d.id), { name: d.name, parent_id: d.parentid, order: d.order }]));
}

function compare<T extends object>(mirror: Map<string, T>, wecom: Map<string, T>): Differences {
  const out: Differences = { missing: [], extra: [], differing: [] };
  for (const [key, want] of wecom) {
    const have = mirror.get(key);
    if (!have) {
      out.missing.push(key);
      continue;
    }
    const fields = Object.keys(want).filter((f) => JSON.stringify(have[f as keyof T]) !== JSON.stringify(want[f as keyof T]));
    if (fields.length > 0) out.differing.push({ key, fields, mirror: have, wecom: want });
  }
  for (const key of mirror.keys()) if (!wecom.has(key)) out.extra.push(key);
  return out;
}

async function mirrorMembers(sql: postgres.Sql, teamId: number): Promise<Map<string, MemberShape>> {
  const rows = await sql<(MemberShape & { key: string })[]>`
    select wecom_user_key as key, name, department_ids, main_department_id::float8 as main_department_id, position
    from members where team_id = ${teamId} and deprovisioned_at is null and wecom_user_key is not null`;
  return new Map(rows.map(({ key, ...m }) => [key, m]));
}

async function mirrorDepartments(sql: postgres.Sql, teamId: number): Promise<Map<string, DepartmentShape>> {
  const rows = await sql<(DepartmentShape & { id: string })[]>`
    select id::text as id, name, parent_id::float8 as parent_id, "order"::float8 as "order" from departments where team_id = ${teamId}`;
  return new Map(rows.map(({ id, ...d }) => [id, d]));
}

export async function checkMirror(sql: postgres.Sql, teamId: number, org: OrgSnapshot): Promise<MirrorCheck> {
  const wecom = expectedMembers(org);
  const staged = await sql<{ job: number; key: string }[]>`
    select s.job_id::int as job, m.wecom_user_key as key from staged_deprovisions s join members m on m.id = s.member_id where m.team_id = ${teamId}`;
  const gone = await sql<{ key: string }[]>`
    select wecom_user_key as key from members where team_id = ${teamId} and deprovisioned_at is not null and wecom_user_key is not null`;
  return {
    members: compare(await mirrorMembers(sql, teamId), wecom),
    departments: compare(await mirrorDepartments(sql, teamId), expectedDepartments(org)),
    wronglyStaged: staged.filter((s) => wecom.has(s.key)).map((s) => `job ${s.job}: ${s.key}`),
    staged: staged.length,
    wronglyDeprovisioned: gone.filter((g) => wecom.has(g.key)).map((g) => g.key),
    deprovisioned: gone.length,
  };
}

export const differenceCount = (d: Differences) => d.missing.length + d.extra.length + d.differing.length;

/** What the audit log says of one member: how each change came and which observation set it. */
export async function memberAudit(sql: postgres.Sql, teamId: number, key: string): Promise<string[]> {
  const rows = await sql<
    { action: string; initiator: string; job_id: number | null; observed_at: string | null; before: unknown; after: unknown }[]
  >`
    select a.action, a.initiator, a.job_id::int as job_id, a.observed_at::text as observed_at, a.before, a.after
    from audit_log a join members m on a.subject_id = m.id::text
    where a.team_id = ${teamId} and a.subject_type = 'member' and m.team_id = ${teamId} and m.wecom_user_key = ${key}
    order by a.id`;
  return rows.map(
    (r) =>
      `${r.action} by ${r.initiator}${r.job_id === null ? "" : ` (job ${r.job_id})`} observed ${r.observed_at ?? "–"}: ${JSON.stringify(r.before)} → ${JSON.stringify(r.after)}`,
  );
}
