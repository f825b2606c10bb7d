import { findAccountById } from "../../db/queries/accounts";
import { appendAudit } from "../../db/queries/audit";
import { consumeInvitation, lockInvitation, lockMember } from "../../db/queries/invitations";
import { membersOfAccount } from "../../db/queries/memberships";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import type { JoinPass } from "../../security/join-pass";
import { actorLabel, type Actor } from "../actor";
import { auditEntry } from "../directory/audit-entry";
import { linkMember } from "../match/link-member";
import { closedInvitation, invalidInvitation } from "./inspect-invitation";

export interface Joined {
  teamId: number;
  memberId: number;
}

export function lockedMember(): AppError {
  return new AppError(
    "member_locked",
    "你在该团队的成员身份已被锁定，请联系管理员 / Your membership of this team is locked; contact an admin",
  );
}

export function notAuthorized(): AppError {
  return new AppError(
    "not_authorized",
    "你已不再被授权加入该团队，请联系管理员 / You are no longer authorized for this team; contact an admin",
  );
}

/**
 * The last step of joining (docs/http-api.md#html-pages): the logged-in account becomes the invited member —
 * linked to their userid, active — and the invitation is consumed, all in one transaction with the
 * invitation and member rows locked, so two tabs or a replayed form join once. Anything refused
 * (wrong invitee, used, expired, locked, bound elsewhere) rolls everything back.
 */
export async function acceptInvitation(deps: Deps, actor: Actor, p: { pass: JoinPass }): Promise<Joined> {
  if (actor.kind !== "account") throw new AppError("unauthorized", "需要登录 / Sign in first");
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const invitation = await lockInvitation(tx, { id: p.pass.invitationId });
    if (!invitation) throw invalidInvitation();
    if (invitation.wecomUserKey !== p.pass.userKey)
      throw new AppError("invitation_wrong_user", "此邀请是发给其他人的 / This invitation is for someone else");
    const closed = closedInvitation(invitation, now);
    if (closed) throw closed;
    const member = await lockMember(tx, { teamId: invitation.teamId, id: invitation.memberId });
    const account = await findAccountById(tx, { id: actor.accountId });
    if (!member || !account) throw invalidInvitation();
    if (member.status === "locked") throw lockedMember();
    if (member.status === "removed" || member.status === "deauthorized" || member.deprovisionedAt) throw notAuthorized();
    if (member.accountId !== null && member.accountId !== account.id) {
      throw new AppError("wecom_already_bound", "该企业微信成员已绑定另一个账号 / This WeCom member is already bound to another account");
    }
    const rows = await membersOfAccount(tx, { teamId: invitation.teamId, accountId: account.id });
    if (rows.some((r) => r.wecomUserKey !== null && r.id !== member.id)) {
      throw new AppError(
        "wecom_already_bound",
        "你的账号已绑定该团队的另一个企业微信成员 / Your account is already bound to another WeCom member of this team",
      );
    }
    const nonWecomRow = rows.find((r) => r.wecomUserKey === null && r.status !== "removed");
    // Joining must not lift a lock or deauthorization the account already has in this team.
    if (nonWecomRow?.status === "locked") throw lockedMember();
    if (nonWecomRow?.status === "deauthorized") throw notAuthorized();

    const ctx = { teamId: invitation.teamId, now, caller: actor, initiator: "member" as const };
    const linked = await linkMember(tx, ctx, { member, account, by: "invitation", nonWecomRow, activate: true, verified: true });
    if (!linked) throw new AppError("conflict", "成员状态刚刚发生变化，请重试 / The member changed just now; try again");
    if (!(await consumeInvitation(tx, { id: invitation.id, now }))) throw invalidInvitation();
    await appendAudit(tx, [
      auditEntry({
        teamId: invitation.teamId,
        at: now,
        initiator: "member",
        actor: actorLabel(actor),
        action: "member.joined",
        subjectType: "member",
        subjectId: member.id,
        before: { status: member.status },
        after: { status: "active", accountId: account.id, invitationId: invitation.id },
      }),
    ]);
    return { teamId: invitation.teamId, memberId: member.id };
  });
}
