import { and, asc, count, eq, gt, inArray, isNotNull, isNull, ne, notExists, notInArray, or, sql } from "drizzle-orm";
import { departments, members, stagedDeprovisions, type MemberStatus } from "../schema";
import { seenKeys } from "./sync-seen";
import type { Db } from "../types";
import { NEVER, type Observed } from "./observations";
import { rowsOf } from "./sql-arrays";

export type DepartmentRow = typeof departments.$inferSelect;
export type MemberRow = typeof members.$inferSelect;
export type NewDepartment = typeof departments.$inferInsert;
export type NewMember = typeof members.$inferInsert;

export async function teamDepartments(db: Db, p: { teamId: number }): Promise<DepartmentRow[]> {
  return db.select().from(departments).where(eq(departments.teamId, p.teamId)).orderBy(asc(departments.id));
}

/** Which of `ids` the team's mirror holds: a lookup by key, not the tree (a member names a few departments). */
export async function mirroredDepartmentIds(db: Db, p: { teamId: number; ids: number[] }): Promise<Set<number>> {
  if (p.ids.length === 0) return new Set();
  const rows = await db
    .select({ id: departments.id })
    .from(departments)
    .where(and(eq(departments.teamId, p.teamId), inArray(departments.id, p.ids)));
  return new Set(rows.map((r) => r.id));
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
          observedAt: sql`excluded.observed_at`,
          updatedAt: sql`excluded.updated_at`,
        },
      });
  }
}

/** A team's departments, each with whether it holds an observation from `at` or later (docs/observations.md). */
export async function departmentsAsOf(db: Db, p: { teamId: number; at: Observed }): Promise<(DepartmentRow & { newer: boolean })[]> {
  const rows = await db
    .select({ d: departments, newer: sql<boolean>`coalesce(${departments.observedAt}, ${NEVER}) >= ${p.at}::timestamptz` })
    .from(departments)
    .where(eq(departments.teamId, p.teamId))
    .orderBy(asc(departments.id));
  return rows.map((r) => ({ ...r.d, newer: r.newer }));
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
  const rows = await db
    .select()
    .from(members)
    .where(and(eq(members.teamId, p.teamId), eq(members.id, p.id)))
    .limit(1);
  return rows[0] ?? null;
}

export async function findMemberByKey(db: Db, p: { teamId: number; key: string }): Promise<MemberRow | null> {
  const rows = await db
    .select()
    .from(members)
    .where(and(eq(members.teamId, p.teamId), eq(members.wecomUserKey, p.key)))
    .limit(1);
  return rows[0] ?? null;
}

/** A member by key, and whether the mirror holds an observation of it from `at` or later (docs/observations.md). */
export async function memberAsOf(
  db: Db,
  p: { teamId: number; key: string; at: Observed },
): Promise<{ member: MemberRow; newer: boolean } | null> {
  const rows = await db
    .select({ member: members, newer: sql<boolean>`coalesce(${members.observedAt}, ${NEVER}) >= ${p.at}::timestamptz` })
    .from(members)
    .where(and(eq(members.teamId, p.teamId), eq(members.wecomUserKey, p.key)))
    .limit(1);
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
 * The next members, in key order after `afterKey`, that this run did not see although nothing
 * observed them since the listing began (`listedSince`): candidates for deprovision, each still
 * to be confirmed by a re-read (docs/observations.md). Marked deprovisioned or removed ones are
 * left out. A set difference (hashed or sorted, never a scan per member): the unchanged keys come
 * from arrays whose size the planner cannot know, and an anti-join planned for a few hundred keys
 * took minutes on 100,000 (BENCHMARKS.md, import).
 */
export async function missingMembers(
  db: Db,
  p: { teamId: number; jobId: number; listedSince: Observed; afterKey: string; limit: number },
): Promise<{ id: number; userId: string; key: string }[]> {
  const rows = rowsOf<{ id: number | string; user_id: string | null; user_key: string }>(
    await db.execute(sql`
      with missing as materialized (
        select wecom_user_key as user_key from members
        where team_id = ${p.teamId} and wecom_user_key > ${p.afterKey} and deprovisioned_at is null and status <> 'removed'
          and coalesce(observed_at, ${NEVER}) < ${p.listedSince}::timestamptz
        except ${seenKeys(p.jobId)}
      )
      select m.id, m.wecom_user_id as user_id, m.wecom_user_key as user_key
      from missing x join members m on m.team_id = ${p.teamId} and m.wecom_user_key = x.user_key
      order by m.wecom_user_key limit ${p.limit}`),
  );
  return rows.map((r) => ({ id: Number(r.id), userId: r.user_id ?? r.user_key, key: r.user_key }));
}

/** Stages one member for deprovision, confirmed gone by a re-read at `at`. */
export async function stageDeprovision(db: Db, p: { jobId: number; member: Pick<MemberRow, "id" | "role">; at: Observed }): Promise<void> {
  const reason = p.member.role === "owner" || p.member.role === "admin" ? "protected_role" : "missing_from_listing";
  await db.insert(stagedDeprovisions).values({ jobId: p.jobId, memberId: p.member.id, reason, observedAt: p.at }).onConflictDoNothing();
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
  // Applied only where nothing newer than the re-read that confirmed the member gone was observed
  // since (docs/observations.md); rows staged before observation times were kept apply as staged.
  const noNewerEvidence = sql`coalesce(${members.observedAt}, ${NEVER}) < coalesce(${stagedDeprovisions.observedAt}, 'infinity')`;
  return db
    .select({ staged: stagedDeprovisions, member: members })
    .from(stagedDeprovisions)
    .innerJoin(members, eq(members.id, stagedDeprovisions.memberId))
    .where(
      and(
        eq(stagedDeprovisions.jobId, p.jobId),
        gt(stagedDeprovisions.memberId, p.afterMemberId),
        // Decided when applied, not when staged: a member made owner or admin meanwhile, or
        // already deprovisioned meanwhile (by a callback), is left alone (docs/sync.md#brakes).
        p.includeProtected
          ? undefined
          : and(
              ne(stagedDeprovisions.reason, "protected_role"),
              or(isNull(members.role), notInArray(members.role, ["owner", "admin"])),
              isNull(members.deprovisionedAt),
              ne(members.status, "removed"),
              noNewerEvidence,
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

/**
 * How many members match; with `upTo`, counting stops after `upTo + 1` of them, so the answer is
 * exact up to `upTo` and anything above says "more than upTo" at the cost of `upTo` rows, not of the
 * whole team (docs/members.md#the-members-page).
 */
export async function countMembersMatching(db: Db, f: MemberFilter, upTo?: number): Promise<number> {
  if (upTo === undefined) {
    const [row] = await db.select({ n: count() }).from(members).where(memberWhere(f));
    return Number(row?.n ?? 0);
  }
  const some = db
    .select({ one: sql`1` })
    .from(members)
    .where(memberWhere(f))
    .limit(upTo + 1)
    .as("some");
  const [row] = await db.select({ n: count() }).from(some);
  return Number(row?.n ?? 0);
}

/** Mirror members listed in any of these departments (to re-read after a department change). */
export async function memberIdsInDepartments(db: Db, p: { teamId: number; departmentIds: number[] }): Promise<string[]> {
  if (p.departmentIds.length === 0) return [];
  const rows = await db
    .select({ userId: members.wecomUserId })
    .from(members)
    .where(
      and(
        eq(members.teamId, p.teamId),
        isNotNull(members.wecomUserId),
        sql`${members.departmentIds} @> any(${sql.raw(`array[${p.departmentIds.map((d) => `'[${Math.trunc(d)}]'`).join(",")}]::jsonb[]`)})`,
      ),
    );
  return rows.map((r) => r.userId!);
}

/** A userid renamed in WeCom (update_user with NewUserID): the member keeps its row and history. Answers the moved row's id. */
export async function rekeyMember(
  db: Db,
  p: { teamId: number; fromKey: string; toKey: string; toUserId: string; at: Observed },
): Promise<number | null> {
  const moved = await db
    .update(members)
    .set({ wecomUserKey: p.toKey, wecomUserId: p.toUserId, observedAt: p.at })
    .where(
      and(
        eq(members.teamId, p.teamId),
        eq(members.wecomUserKey, p.fromKey),
        notExists(
          db
            .select({ one: sql`1` })
            .from(members)
            .where(and(eq(members.teamId, p.teamId), eq(members.wecomUserKey, p.toKey))),
        ),
      ),
    )
    .returning({ id: members.id });
  return moved[0]?.id ?? null;
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
