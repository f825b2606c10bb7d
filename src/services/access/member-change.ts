import { findMember, type MemberRow } from "../../db/queries/directory";
import { lockTeamForMembership } from "../../db/queries/memberships";
import type { TeamRow } from "../../db/queries/teams";
import type { MemberRole } from "../../db/schema";
import type { Db } from "../../db/types";
import { AppError, teamNotFound } from "../../errors";
import type { Actor } from "../actor";
import { requirePermission, type Permission } from "./policy";

/** Owners and admins: changing their standing or role is for the owner only ("members.roles"). */
export const isProtectedRole = (role: MemberRole | null): boolean => role === "owner" || role === "admin";

export function memberNotFound(id: number): AppError {
  return new AppError("not_found", `成员 ${id} 不存在 / Member ${id} not found`);
}

/**
 * The member a lock or role change acts on, inside the caller's transaction: the team row is
 * locked against other membership changes (as addMember does), the policy asked for `permission`,
 * and for an owner or admin also for "members.roles" (docs/security.md#who-may-do-what). The owner
 * is never changed this way: the team would be left without one, and no one else may act on them.
 * A row of another team is not found, like a missing one.
 */
export async function memberForChange(
  tx: Db,
  actor: Actor,
  slug: string,
  memberId: number,
  permission: Permission,
): Promise<{ team: TeamRow; member: MemberRow }> {
  const team = await lockTeamForMembership(tx, { slug });
  if (!team) throw teamNotFound(slug);
  await requirePermission(tx, actor, team, permission);
  const member = Number.isSafeInteger(memberId) && memberId >= 1 ? await findMember(tx, { teamId: team.id, id: memberId }) : null;
  if (!member) throw memberNotFound(memberId);
  if (isProtectedRole(member.role)) await requirePermission(tx, actor, team, "members.roles");
  if (member.role === "owner")
    throw new AppError("conflict", "团队所有者不能被锁定或更改角色 / The team's owner cannot be locked or given another role");
  return { team, member };
}
