import { appendAudit } from "../../db/queries/audit";
import { updateMember } from "../../db/queries/directory";
import type { MemberRole, MemberStatus } from "../../db/schema";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import { actorLabel, initiatorOf, type Actor } from "../actor";
import { auditEntry } from "../directory/audit-entry";
import type { MemberView } from "../directory/read-directory";
import { memberForChange } from "./member-change";

/** Whom a lock may reach: not one already locked, nor one removed (restore them first). */
export const LOCKABLE: readonly MemberStatus[] = ["imported", "invited", "active", "deauthorized"];

/**
 * `lock`: the member keeps their row and history but may not use the team, nor join it by an open
 * invitation, until an admin unlocks them; unlock returns them to the status they had
 * (docs/sync.md#deletion-policies, the same lock a deletion policy sets). Their sessions stay:
 * the standing is judged on every request (access/team-access.ts), so the lock holds at once, and
 * the account may still use its other teams. An owner or admin only by the owner (member-change.ts).
 */
export async function lockMember(
  deps: Deps,
  actor: Actor,
  slug: string,
  memberId: number,
  opts: { preview?: boolean } = {},
): Promise<MemberView & { role: MemberRole | null }> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const { team, member } = await memberForChange(tx, actor, slug, memberId, "members.manage");
    if (!LOCKABLE.includes(member.status)) {
      throw new AppError("conflict", `成员当前状态为 ${member.status}，无法锁定 / The member is ${member.status}: it cannot be locked`);
    }
    const view = {
      id: member.id,
      wecomUserId: member.wecomUserId,
      name: member.name,
      departmentIds: member.departmentIds,
      accountId: member.accountId,
      role: member.role,
    };
    // Every check, nothing written: what a confirmation page shows before the admin decides.
    if (opts.preview) return { ...view, status: member.status };
    await updateMember(tx, { id: member.id, set: { status: "locked", statusBefore: member.status, updatedAt: now } });
    await appendAudit(tx, [
      auditEntry({
        teamId: team.id,
        at: now,
        initiator: initiatorOf(actor),
        actor: actorLabel(actor),
        action: "member.locked",
        subjectType: "member",
        subjectId: member.id,
        before: { status: member.status },
        after: { status: "locked" },
      }),
    ]);
    deps.logger.info("member locked", { slug, memberId: member.id });
    return { ...view, status: "locked" };
  });
}
