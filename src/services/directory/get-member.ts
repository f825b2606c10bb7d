import { findMember, findMemberByKey } from "../../db/queries/directory";
import type { MemberRole } from "../../db/schema";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import { LOCKABLE } from "../access/lock-member";
import { isProtectedRole } from "../access/member-change";
import { can } from "../access/policy";
import type { Actor } from "../actor";
import type { MemberView } from "./read-directory";
import { teamFor } from "./team-lookup";

export interface MemberDetail extends MemberView {
  role: MemberRole | null;
  position: string | null;
  /** What this actor may do to this member now, as the access policy and the verbs judge it. */
  controls: { lock: boolean; role: boolean };
}

/**
 * One member of the team by id (the console's member page). A row of another team is not found,
 * like a missing one: the id alone must not reveal other teams' members.
 */
export async function getMember(deps: Deps, actor: Actor, slug: string, id: number): Promise<MemberDetail> {
  const { team } = await teamFor(deps.db, actor, slug, "team.read");
  const m = Number.isSafeInteger(id) && id >= 1 ? await findMember(deps.db, { teamId: team.id, id }) : null;
  if (!m) throw new AppError("not_found", `成员 ${id} 不存在 / Member ${id} not found`);
  const [manage, roles] = await Promise.all([can(deps.db, actor, team, "members.manage"), can(deps.db, actor, team, "members.roles")]);
  // The rules of access/member-change.ts, lock-member.ts and set-member-role.ts, asked before a form is offered.
  const reachable = m.role !== "owner" && (roles || !isProtectedRole(m.role));
  return {
    id: m.id,
    wecomUserId: m.wecomUserId,
    name: m.name,
    departmentIds: m.departmentIds,
    status: m.status,
    accountId: m.accountId,
    role: m.role,
    position: m.position,
    controls: { lock: reachable && manage && LOCKABLE.includes(m.status), role: reachable && roles && m.status !== "removed" },
  };
}

/** A member of the team by WeCom userid, ignoring case (the admin bot names members by userid); null when there is none. */
export async function memberByUserId(deps: Deps, actor: Actor, slug: string, userId: string): Promise<MemberView | null> {
  const { team } = await teamFor(deps.db, actor, slug, "team.read");
  const m = await findMemberByKey(deps.db, { teamId: team.id, key: userId.toLowerCase() });
  if (!m) return null;
  return { id: m.id, wecomUserId: m.wecomUserId, name: m.name, departmentIds: m.departmentIds, status: m.status, accountId: m.accountId };
}
