import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import type { JoinPass } from "../../security/join-pass";
import type { Actor } from "../actor";
import { codeOwner } from "../wecom-identity/code-owner";
import { inspectInvitation } from "./inspect-invitation";

/**
 * The OAuth leg of the join flow (docs/http-api.md#html-pages): asks WeCom who opened the link and accepts only
 * the member the invitation was sent to (userids compared lower-cased, docs/wecom.md#oauth-and-web-login).
 * Someone else sees "this invitation is for someone else" and nothing changes.
 */
export async function identifyInvitee(deps: Deps, actor: Actor, p: { token: string; code: string }): Promise<JoinPass> {
  const open = await inspectInvitation(deps, actor, p.token);
  const who = await codeOwner(deps, open.binding, p.code);
  if (who.userKey !== open.invitation.wecomUserKey) {
    deps.logger.info("join link opened by another WeCom user", { teamId: open.team.id, invitationId: open.invitation.id });
    throw new AppError("invitation_wrong_user", "此邀请是发给其他人的 / This invitation is for someone else");
  }
  return { invitationId: open.invitation.id, userKey: who.userKey };
}
