import { findMember } from "../../db/queries/directory";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import type { Caller } from "../accounts/caller";
import { boundTeamFor } from "../directory/team-lookup";
import { deliverInvitation } from "./deliver";
import { decideInvitation } from "./invite-member";
import { teamApi } from "./team-api";

export interface ResendResult {
  invitation: { id: number; memberId: number; expiresAt: string; delivery: string; deliveryError: string | null };
  invalidUsers: string[];
}

/**
 * `POST /api/teams/:slug/members/:id/invitation`: revokes the member's open invitation and sends
 * a new one. At most one a minute per member (429 too_many_attempts).
 */
export async function resendInvitation(deps: Deps, caller: Caller, slug: string, memberId: number): Promise<ResendResult> {
  const { team, binding } = await boundTeamFor(deps.db, caller, slug, "members.authorize");
  const member = Number.isSafeInteger(memberId) ? await findMember(deps.db, { teamId: team.id, id: memberId }) : null;
  if (!member?.wecomUserId) throw new AppError("not_found", `成员 ${memberId} 不存在 / Member ${memberId} not found`);
  const decision = await decideInvitation(deps, { teamId: team.id, memberId: member.id, caller, reuseOpen: false });
  switch (decision.kind) {
    case "not_invitable":
      throw new AppError(
        "conflict",
        `该成员无法邀请（${decision.reason}）/ This member cannot be invited (${decision.reason})`,
        undefined,
        { reason: decision.reason },
      );
    case "rate_limited":
      throw new AppError(
        "too_many_attempts",
        "一分钟内只能向同一成员发送一次邀请 / At most one invitation per member per minute",
        undefined,
        {
          retryAfterSeconds: Math.ceil(decision.retryAfterMs / 1000),
        },
      );
    case "already_invited":
      throw new Error("unreachable: a re-send never reuses the open invitation");
    case "created": {
      const outcome = await deliverInvitation(deps, {
        api: teamApi(deps, binding),
        invitation: decision.invitation,
        token: decision.token,
        userId: member.wecomUserId,
        teamName: team.name,
      });
      return {
        invitation: {
          id: decision.invitation.id,
          memberId: member.id,
          expiresAt: decision.invitation.expiresAt.toISOString(),
          delivery: outcome.delivery,
          deliveryError: outcome.error,
        },
        invalidUsers: outcome.delivery === "invalid_user" ? [member.wecomUserId.toLowerCase()] : [],
      };
    }
  }
}
