import { countMembersMatching, listMembers, teamDepartments } from "../../db/queries/directory";
import { MEMBER_STATUSES, type MemberStatus } from "../../db/schema";
import type { Deps } from "../../deps";
import { AppError, type FieldProblem } from "../../errors";
import { queryId, queryLimit } from "../paging";
import type { Actor } from "../actor";
import { teamFor } from "./team-lookup";

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

export async function listDepartments(deps: Deps, actor: Actor, slug: string): Promise<{ items: DepartmentView[] }> {
  const rows = await teamDepartments(deps.db, { teamId: (await teamFor(deps.db, actor, slug, "team.read")).team.id });
  return { items: rows.map((d) => ({ id: d.id, name: d.name, parentId: d.parentId, order: d.order })) };
}

export interface MemberQuery {
  status?: string;
  q?: string;
  department?: string;
  limit?: string;
  cursor?: string;
}

/** `GET …/members` (docs/http-api.md#directory): filters, search and keyset pagination. */
export async function listTeamMembers(
  deps: Deps,
  actor: Actor,
  slug: string,
  query: MemberQuery,
): Promise<{ items: MemberView[]; nextCursor: string | null; total: number }> {
  const problems: FieldProblem[] = [];
  const status = query.status || undefined;
  if (status && !MEMBER_STATUSES.includes(status as MemberStatus)) problems.push({ field: "status", message: MEMBER_STATUSES.join(" | ") });
  const limit = queryLimit(query.limit, problems, 50, 500);
  const afterId = queryId(query.cursor, "cursor", problems, 0) ?? 0;
  const departmentId = queryId(query.department, "department", problems);
  if (problems.length > 0) throw new AppError("validation_failed", "查询参数有误 / Invalid query parameters", problems);

  const filter = { teamId: (await teamFor(deps.db, actor, slug, "team.read")).team.id, status: status as MemberStatus | undefined, q: query.q?.trim() || undefined, departmentId };
  const [rows, total] = await Promise.all([listMembers(deps.db, { ...filter, afterId, limit }), countMembersMatching(deps.db, filter)]);
  return {
    items: rows.map((m) => ({ id: m.id, wecomUserId: m.wecomUserId, name: m.name, departmentIds: m.departmentIds, status: m.status, accountId: m.accountId })),
    nextCursor: rows.length === limit ? String(rows[rows.length - 1]!.id) : null,
    total,
  };
}
