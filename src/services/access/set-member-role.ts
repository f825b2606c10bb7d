import { z } from "zod";
import { appendAudit } from "../../db/queries/audit";
import { updateMember } from "../../db/queries/directory";
import type { MemberRole } from "../../db/schema";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import { actorLabel, initiatorOf, type Actor } from "../actor";
import { auditEntry } from "../directory/audit-entry";
import { parseInput } from "../validate";
import { memberForChange } from "./member-change";

/** The roles given here: a team has one owner, made when the team is set up (add-member.ts). */
export const GIVEN_ROLES = ["admin", "member"] as const satisfies readonly MemberRole[];

export const SetRoleInput = z.object({ role: z.enum(GIVEN_ROLES, { error: "admin | member" }) });

/**
 * Makes a member an admin or a plain member: the owner's decision alone ("members.roles",
 * docs/security.md#who-may-do-what). It takes effect on the member's next request. A member not yet
 * linked to an account keeps the role for when they join. The same role again changes nothing and
 * writes no audit entry.
 */
export interface RoleChange {
  id: number;
  name: string;
  accountId: number | null;
  before: MemberRole | null;
  role: MemberRole;
  changed: boolean;
}

/** `preview`: every check, nothing written (a confirmation page). */
export async function setMemberRole(
  deps: Deps,
  actor: Actor,
  slug: string,
  memberId: number,
  input: unknown,
  opts: { preview?: boolean } = {},
): Promise<RoleChange> {
  const { role } = parseInput(SetRoleInput, input);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const { team, member } = await memberForChange(tx, actor, slug, memberId, "members.roles");
    if (member.status === "removed") throw new AppError("conflict", "成员已被移除，请先恢复 / The member is removed: restore them first");
    const change = {
      id: member.id,
      name: member.name,
      accountId: member.accountId,
      before: member.role,
      role,
      changed: member.role !== role,
    };
    if (!change.changed || opts.preview) return change;
    await updateMember(tx, { id: member.id, set: { role, updatedAt: now } });
    await appendAudit(tx, [
      auditEntry({
        teamId: team.id,
        at: now,
        initiator: initiatorOf(actor),
        actor: actorLabel(actor),
        action: "member.role_changed",
        subjectType: "member",
        subjectId: member.id,
        before: { role: member.role },
        after: { role },
      }),
    ]);
    deps.logger.info("member role changed", { slug, memberId: member.id, role });
    return change;
  });
}
