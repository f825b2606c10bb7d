import { appendAudit } from "../../db/queries/audit";
import { updateMember, type MemberRow } from "../../db/queries/directory";
import {
  insertInvitation,
  lastInvitationOf,
  lockMember,
  openInvitationOf,
  revokeInvitation,
  type InvitationRow,
} from "../../db/queries/invitations";
import type { MemberStatus } from "../../db/schema";
import type { Deps } from "../../deps";
import { callerLabel, type Caller } from "../accounts/caller";
import { initiatorOf } from "../actor";
import { auditEntry } from "../directory/audit-entry";
import { INVITATION_PACE_MS, INVITATION_TTL_MS, newInvitationToken } from "./token";

/** Standings an invitation may (re)start from; active, locked and removed members are left alone. */
export const INVITABLE: readonly MemberStatus[] = ["imported", "invited", "deauthorized"];

export type InviteDecision =
  | { kind: "created"; invitation: InvitationRow; token: string; member: MemberRow }
  | { kind: "already_invited"; invitation: InvitationRow }
  | { kind: "rate_limited"; retryAfterMs: number }
  | { kind: "not_invitable"; reason: string };

/**
 * Decides, in one transaction with the member row locked, whether to create an invitation; on
 * `created` the member is `invited`, any earlier open invitation revoked, and the change audited.
 * `reuseOpen`: an open, unexpired invitation that was delivered (or found the user invalid) is
 * kept as it is (authorize is idempotent); a re-send (`false`) always replaces it. Either way a
 * member gets at most one new invitation a minute.
 */
export async function decideInvitation(
  deps: Deps,
  p: { teamId: number; memberId: number; caller: Caller; reuseOpen: boolean },
): Promise<InviteDecision> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const member = await lockMember(tx, { teamId: p.teamId, id: p.memberId });
    if (!member?.wecomUserKey || !member.wecomUserId) return { kind: "not_invitable", reason: "not_found" };
    const refusal = refusalOf(member);
    if (refusal) return { kind: "not_invitable", reason: refusal };
    const open = await openInvitationOf(tx, { memberId: member.id });
    if (
      p.reuseOpen &&
      open &&
      open.expiresAt.getTime() > now.getTime() &&
      (open.delivery === "sent" || open.delivery === "invalid_user") &&
      member.status === "invited"
    ) {
      return { kind: "already_invited", invitation: open };
    }
    const last = await lastInvitationOf(tx, { memberId: member.id });
    if (last) {
      const since = now.getTime() - last.createdAt.getTime();
      if (since < INVITATION_PACE_MS) return { kind: "rate_limited", retryAfterMs: INVITATION_PACE_MS - since };
    }
    if (open) await revokeInvitation(tx, { id: open.id, at: now });
    const { token, tokenHash } = newInvitationToken();
    const invitation = await insertInvitation(tx, {
      teamId: p.teamId,
      memberId: member.id,
      wecomUserKey: member.wecomUserKey,
      tokenHash,
      createdAt: now,
      expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
    });
    if (member.status !== "invited") await updateMember(tx, { id: member.id, set: { status: "invited", updatedAt: now } });
    await appendAudit(tx, [
      auditEntry({
        teamId: p.teamId,
        at: now,
        initiator: initiatorOf(p.caller),
        actor: callerLabel(p.caller),
        action: "member.invited",
        subjectType: "member",
        subjectId: member.id,
        before: { status: member.status, ...(open ? { revokedInvitationId: open.id } : {}) },
        after: { status: "invited", invitationId: invitation.id, expiresAt: invitation.expiresAt.toISOString() },
      }),
    ]);
    return { kind: "created", invitation, token, member };
  });
}

/** Why this member cannot be invited, or null. */
export function refusalOf(member: MemberRow): string | null {
  if (member.status === "locked") return "locked";
  if (member.status === "removed") return "removed";
  if (member.status === "active") return "already_active";
  if (member.deprovisionedAt) return "deprovisioned";
  if (member.accountId !== null) return "has_account";
  if (!INVITABLE.includes(member.status)) return member.status;
  return null;
}
