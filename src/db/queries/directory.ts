import { and, asc, count, eq, gt, inArray, isNotNull, isNull, ne, notExists, notInArray, or, sql } from "drizzle-orm";
import { departments, members, stagedDeprovisions, type MemberStatus } from "../schema";
import { seenKeys } from "./sync-seen";
import type { Db } from "../types";

export type DepartmentRow = typeof departments.$inferSelect;
export type MemberRow = typeof members.$inferSelect;
export type NewDepartment = typeof departments.$inferInsert;
export type NewMember = typeof members.$inferInsert;

export async function teamDepartments(db: Db, p: { teamId: number }): Promise<DepartmentRow[]> {
  return db.select().from(departments).where(eq(departments.teamId, p.teamId)).orderBy(asc(departments.id));
}

export async function upsertDepartments(db: Db, rows: (typeof departments.$inferInsert)[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insert(departments)
      .values(rows.slice(i, i + 1000))
      .onConflictDoUpdate({
        target: [departments.teamId, departments.id],
        set: {
          name: sql`excluded.name`,
          parentId: sql`excluded.parent_id`,
          order: sql`excluded.order`,
          contentHash: sql`excluded.content_hash`,
          updatedAt: sql`excluded.updated_at`,
        },
      });
  }
}

export async function deleteDepartments(db: Db, p: { teamId: number; ids: number[] }): Promise<void> {
  if (p.ids.length > 0) await db.delete(departments).where(and(eq(departments.teamId, p.teamId), inArray(departments.id, p.ids)));
}

export async function insertMembers(db: Db, rows: (typeof members.$inferInsert)[]): Promise<MemberRow[]> {
  if (rows.length === 0) return [];
  return db.insert(members).values(rows).onConflictDoNothing().returning();
}

export type MemberChange = Partial<Omit<MemberRow, "id" | "teamId" | "createdAt">> & { updatedAt: Date };

export async function updateMember(db: Db, p: { id: number; set: MemberChange }): Promise<void> {
  await db.update(members).set(p.set).where(eq(members.id, p.id));
}

export async function findMember(db: Db, p: { teamId: number; id: number }): Promise<MemberRow | null> {
  const rows = await db.select().from(members).where(and(eq(members.teamId, p.teamId), eq(members.id, p.id))).limit(1);
  return rows[0] ?? null;
}

export async function findMemberByKey(db: Db, p: { teamId: number; key: string }): Promise<MemberRow | null> {
  const rows = await db.select().from(members).where(and(eq(members.teamId, p.teamId), eq(members.wecomUserKey, p.key))).limit(1);
  return rows[0] ?? null;
}

export async function countMembers(db: Db, p: { teamId: number; status?: MemberStatus }): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(members)
    .where(and(eq(members.teamId, p.teamId), p.status ? eq(members.status, p.status) : undefined));
  return Number(row?.n ?? 0);
}

/**
 * Stages the mirror's WeCom members that this run did not see and that are not already
 * deprovisioned: the deprovision set, applied only after the brakes (design §1.10). A set
 * difference (hashed or sorted, never a scan per member): the unchanged keys come from arrays, whose
 * size the planner cannot know, and an anti-join planned for a few hundred keys took minutes on
 * 100,000 (BENCHMARKS.md, import).
 */
export async function stageMissingMembers(db: Db, p: { teamId: number; jobId: number }): Promise<void> {
  await db.execute(sql`
    with missing as materialized (
      select wecom_user_key as user_key from members
      where team_id = ${p.teamId} and wecom_user_key is not null and deprovisioned_at is null and status <> 'removed'
      except ${seenKeys(p.jobId)}
    )
    insert into staged_deprovisions (job_id, member_id, reason)
    select ${p.jobId}, m.id, case when m.role in ('owner', 'admin') then 'protected_role' else 'missing_from_listing' end
    from missing x join members m on m.team_id = ${p.teamId} and m.wecom_user_key = x.user_key
    on conflict do nothing`);
}

export async function stagedCount(db: Db, p: { jobId: number }): Promise<{ total: number; protected: number }> {
  const rows = await db
    .select({ reason: stagedDeprovisions.reason, n: count() })
    .from(stagedDeprovisions)
    .where(eq(stagedDeprovisions.jobId, p.jobId))
    .groupBy(stagedDeprovisions.reason);
  let total = 0;
  let prot = 0;
  for (const r of rows) {
    total += Number(r.n);
    if (r.reason === "protected_role") prot += Number(r.n);
  }
  return { total, protected: prot };
}

export async function stagedPage(
  db: Db,
  p: { jobId: number; afterMemberId: number; limit: number; includeProtected: boolean },
): Promise<{ staged: typeof stagedDeprovisions.$inferSelect; member: MemberRow }[]> {
  return db
    .select({ staged: stagedDeprovisions, member: members })
    .from(stagedDeprovisions)
    .innerJoin(members, eq(members.id, stagedDeprovisions.memberId))
    .where(
      and(
        eq(stagedDeprovisions.jobId, p.jobId),
        gt(stagedDeprovisions.memberId, p.afterMemberId),
        // Decided when applied, not when staged: a member made owner or admin meanwhile, or
        // already deprovisioned meanwhile (by a callback), is left alone (design §1.10).
        p.includeProtected
          ? undefined
          : and(
              ne(stagedDeprovisions.reason, "protected_role"),
              or(isNull(members.role), notInArray(members.role, ["owner", "admin"])),
              isNull(members.deprovisionedAt),
              ne(members.status, "removed"),
            ),
      ),
    )
    .orderBy(asc(stagedDeprovisions.memberId))
    .limit(p.limit);
}

export async function dropStaged(db: Db, p: { jobId: number; exceptProtected: boolean }): Promise<void> {
  await db
    .delete(stagedDeprovisions)
    .where(and(eq(stagedDeprovisions.jobId, p.jobId), p.exceptProtected ? ne(stagedDeprovisions.reason, "protected_role") : undefined));
}

export interface MemberFilter {
  teamId: number;
  status?: MemberStatus;
  q?: string;
  departmentId?: number;
}

function memberWhere(f: MemberFilter) {
  const like = f.q ? `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  return and(
    eq(members.teamId, f.teamId),
    f.status ? eq(members.status, f.status) : undefined,
    like ? sql`(${members.name} ilike ${like} or ${members.wecomUserKey} like lower(${like}))` : undefined,
    f.departmentId !== undefined ? sql`${members.departmentIds} @> ${JSON.stringify([f.departmentId])}::jsonb` : undefined,
  );
}

/** Keyset pages by id, so page 500 costs what page 1 does. */
export async function listMembers(db: Db, f: MemberFilter & { afterId: number; limit: number }): Promise<MemberRow[]> {
  return db
    .select()
    .from(members)
    .where(and(memberWhere(f), gt(members.id, f.afterId)))
    .orderBy(asc(members.id))
    .limit(f.limit);
}

export async function countMembersMatching(db: Db, f: MemberFilter): Promise<number> {
  const [row] = await db.select({ n: count() }).from(members).where(memberWhere(f));
  return Number(row?.n ?? 0);
}

/** Mirror members listed in any of these departments (to re-read after a department change). */
export async function memberIdsInDepartments(db: Db, p: { teamId: number; departmentIds: number[] }): Promise<string[]> {
  if (p.departmentIds.length === 0) return [];
  const rows = await db
    .select({ userId: members.wecomUserId })
    .from(members)
    .where(and(eq(members.teamId, p.teamId), isNotNull(members.wecomUserId), sql`${members.departmentIds} @> any(${sql.raw(`array[${p.departmentIds.map((d) => `'[${Math.trunc(d)}]'`).join(",")}]::jsonb[]`)})`));
  return rows.map((r) => r.userId!);
}

/** A userid renamed in WeCom (update_user with NewUserID): the member keeps its row and history. */
export async function rekeyMember(db: Db, p: { teamId: number; fromKey: string; toKey: string; toUserId: string }): Promise<void> {
  await db
    .update(members)
    .set({ wecomUserKey: p.toKey, wecomUserId: p.toUserId })
    .where(
      and(
        eq(members.teamId, p.teamId),
        eq(members.wecomUserKey, p.fromKey),
        notExists(db.select({ one: sql`1` }).from(members).where(and(eq(members.teamId, p.teamId), eq(members.wecomUserKey, p.toKey)))),
      ),
    );
}

/**
 * Fresh statistics after a run wrote many members (an import, a reorganisation). Without them the
 * next run's lookups by key stay planned for the table as it was: a plan cached while the table
 * was empty scanned all 100,000 members for every merge of 250 (BENCHMARKS.md, import). ANALYZE
 * also drops such cached plans in every session.
 */
export async function analyzeMembers(db: Db): Promise<void> {
  await db.execute(sql`analyze members`);
}
