import { findMember, type MemberRow } from "../../db/queries/directory";
import { findByHash, type InvitationRow } from "../../db/queries/invitations";
import { findTeamWithBindingById, type BindingRow, type TeamRow } from "../../db/queries/teams";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import type { Actor } from "../actor";
import { hashInvitationToken } from "../invitations/token";

export interface OpenInvitation {
  invitation: InvitationRow;
  team: TeamRow;
  binding: BindingRow;
  member: MemberRow;
}

/** Tokens are 43 base64url characters (invitations/token.ts); anything else is not worth a lookup. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function invalidInvitation(): AppError {
  return new AppError(
    "invitation_invalid",
    "邀请链接无效，请使用企业微信里收到的最新邀请 / This invitation link is not valid; use the latest invitation you received in WeCom",
  );
}

/** Why a join link cannot be used, in the words the join page shows. */
export function closedInvitation(invitation: InvitationRow, now: Date): AppError | null {
  if (invitation.consumedAt)
    return new AppError("invitation_used", "此邀请已被使用，你已加入 / This invitation has already been used: you have joined");
  if (invitation.revokedAt)
    return new AppError(
      "invitation_invalid",
      "此邀请已被新的邀请取代，请打开最新的邀请 / This invitation was replaced by a newer one; open the latest invitation",
    );
  if (invitation.expiresAt.getTime() <= now.getTime()) {
    return new AppError(
      "invitation_expired",
      "邀请已过期，请联系管理员重新发送 / This invitation has expired; ask an admin to send it again",
    );
  }
  return null;
}

/**
 * The invitation behind a join link and everything the join page shows about it. Looked up by the
 * token's SHA-256, never compared byte by byte. Used, replaced or expired links throw the error the
 * page shows; `used` carries the team so the page can say where the person joined.
 */
export async function inspectInvitation(deps: Deps, _actor: Actor, token: string): Promise<OpenInvitation> {
  if (!TOKEN_SHAPE.test(token)) throw invalidInvitation();
  const invitation = await findByHash(deps.db, { tokenHash: hashInvitationToken(token) });
  if (!invitation) throw invalidInvitation();
  const found = await findTeamWithBindingById(deps.db, { id: invitation.teamId });
  const member = await findMember(deps.db, { teamId: invitation.teamId, id: invitation.memberId });
  if (!found || !member) throw invalidInvitation();
  const closed = closedInvitation(invitation, deps.clock.now());
  if (closed)
    throw new AppError(closed.code, closed.message, undefined, { team: found.team.name, memberId: member.id, accountId: member.accountId });
  if (!found.binding) throw new AppError("not_bound", "该团队已解除与企业微信的绑定 / This team is no longer bound to WeCom");
  return { invitation, team: found.team, binding: found.binding, member };
}
