import { z } from "zod";
import { findAccountById } from "../../db/queries/accounts";
import { appendAudit } from "../../db/queries/audit";
import { insertAccountMember, lockTeamForMembership, membersOfAccount, teamHasOwner } from "../../db/queries/memberships";
import type { MemberRole } from "../../db/schema";
import type { Deps } from "../../deps";
import { AppError, teamNotFound } from "../../errors";
import { auditEntry } from "../directory/audit-entry";
import type { MemberView } from "../directory/read-directory";
import { parseInput, positiveId } from "../validate";
import { callerLabel, type Caller } from "../accounts/caller";
import { initiatorOf } from "../actor";
import { requirePermission } from "./policy";

const ROLES = ["owner", "admin", "member"] as const satisfies readonly MemberRole[];

/** `POST /api/teams/:slug/members`. */
export const AddMemberInput = z.object({
  accountId: positiveId("账号 ID（正整数）/ an account id (a positive integer)"),
  role: z.enum(ROLES, { error: "owner | admin | member" }).nullish(),
});

export type AddedMember = MemberView & { role: MemberRole };

/**
 * `POST /api/teams/:slug/members {accountId, role?}`: an existing account joins the team as an
 * active, non-WeCom member (no userid), by whoever may manage the team's members
 * (access/policy.ts). `owner` is only for a team without one yet (bootstrapping); otherwise owners
 * are not made this way.
 */
export async function addMember(deps: Deps, caller: Caller, slug: string, input: unknown): Promise<AddedMember> {
  const { accountId: id, role } = parseInput(AddMemberInput, input);
  const wanted: MemberRole = role ?? "member";

  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    // Serializes adds to one team, so "twice" and "the first owner" are decided one at a time.
    const team = await lockTeamForMembership(tx, { slug });
    if (!team) throw teamNotFound(slug);
    await requirePermission(tx, caller, team, "members.manage");
    const account = await findAccountById(tx, { id });
    if (!account)
      throw new AppError("validation_failed", "输入有误 / Some fields are invalid", [
        { field: "accountId", message: "账号不存在 / no such account" },
      ]);
    if ((await membersOfAccount(tx, { teamId: team.id, accountId: id })).length > 0) {
      throw new AppError(
        "already_member",
        `账号 ${account.username} 已是团队成员 / Account ${account.username} is already a member of this team`,
      );
    }
    if (wanted === "owner" && (await teamHasOwner(tx, { teamId: team.id }))) {
      throw new AppError(
        "conflict",
        "团队已有所有者，只能添加为管理员或成员 / The team already has an owner; add the account as admin or member",
      );
    }
    const member = await insertAccountMember(tx, {
      teamId: team.id,
      accountId: id,
      name: account.name,
      role: wanted,
      status: "active",
      now,
    });
    await appendAudit(tx, [
      auditEntry({
        teamId: team.id,
        at: now,
        initiator: initiatorOf(caller),
        actor: callerLabel(caller),
        action: "member.added",
        subjectType: "member",
        subjectId: member.id,
        after: { accountId: id, role: wanted, status: "active" },
      }),
    ]);
    deps.logger.info("member added", { slug, memberId: member.id, accountId: id, role: wanted });
    return {
      id: member.id,
      wecomUserId: null,
      name: member.name,
      departmentIds: member.departmentIds,
      status: member.status,
      accountId: id,
      role: wanted,
    };
  });
}
