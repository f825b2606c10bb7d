import { countMembers, countMembersMatching, listMembers, teamDepartments } from "../../db/queries/directory";
import { MEMBER_STATUSES, type MemberStatus } from "../../db/schema";
import type { Db } from "../../db/types";
import type { Deps } from "../../deps";
import { z } from "zod";
import { pageNumber, QUERY_PROBLEM, queryId, queryLimit } from "../paging";
import { parseInput } from "../validate";
import type { Actor } from "../actor";
import { teamFor } from "./team-lookup";

export { MEMBER_STATUSES, type MemberStatus };
export type { MemberRole } from "../../db/schema";

export interface DepartmentView {
  id: number;
  name: string;
  parentId: number;
  order: number;
}

export interface MemberView {
  id: number;
  wecomUserId: string | null;
  name: string;
  departmentIds: number[];
  status: MemberStatus;
  accountId: number | null;
}

/** How much the team's mirror holds: what a run that changed nothing still reports in chat (bot/job-reports.ts). */
export async function mirrorTotals(db: Db, teamId: number): Promise<{ members: number; departments: number }> {
  return { members: await countMembers(db, { teamId }), departments: (await teamDepartments(db, { teamId })).length };
}

export async function listDepartments(deps: Deps, actor: Actor, slug: string): Promise<{ items: DepartmentView[] }> {
  const rows = await teamDepartments(deps.db, { teamId: (await teamFor(deps.db, actor, slug, "team.read")).team.id });
  return { items: rows.map((d) => ({ id: d.id, name: d.name, parentId: d.parentId, order: d.order })) };
}

/** `GET …/members` query string. */
export const MemberQuery = z.object({
  status: z.union([z.enum(MEMBER_STATUSES), z.literal("")], { error: MEMBER_STATUSES.join(" | ") }).optional(),
  q: z.string().optional(),
  department: queryId(),
  limit: queryLimit(500),
  cursor: queryId(),
});

/** `GET …/members` (docs/http-api.md#directory): filters, search and keyset pagination. */
export async function listTeamMembers(
  deps: Deps,
  actor: Actor,
  slug: string,
  query: Record<string, string | undefined>,
  opts: { countUpTo?: number } = {},
): Promise<{ items: MemberView[]; nextCursor: string | null; total: number; totalAtLeast?: true }> {
  const q = parseInput(MemberQuery, query, { message: QUERY_PROBLEM });
  const limit = pageNumber(q.limit, 50);
  const afterId = pageNumber(q.cursor, 0);
  const filter = {
    teamId: (await teamFor(deps.db, actor, slug, "team.read")).team.id,
    status: q.status || undefined,
    q: q.q?.trim() || undefined,
    departmentId: pageNumber(q.department),
  };
  const [rows, counted] = await Promise.all([
    listMembers(deps.db, { ...filter, afterId, limit }),
    countMembersMatching(deps.db, filter, opts.countUpTo),
  ]);
  // Past the cap the count says "at least": counting a 300,000-member team row by row is most of the page's time.
  const capped = opts.countUpTo !== undefined && counted > opts.countUpTo;
  const total = capped ? opts.countUpTo! : counted;
  return {
    items: rows.map((m) => ({
      id: m.id,
      wecomUserId: m.wecomUserId,
      name: m.name,
      departmentIds: m.departmentIds,
      status: m.status,
      accountId: m.accountId,
    })),
    nextCursor: rows.length === limit ? String(rows[rows.length - 1]!.id) : null,
    total,
    ...(capped ? { totalAtLeast: true as const } : {}),
  };
}
