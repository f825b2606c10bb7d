import { appendAudit } from "../../db/queries/audit";
import { findMember, updateMember } from "../../db/queries/directory";
import type { MemberStatus } from "../../db/schema";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import { requirePermission } from "../access/policy";
import { isProtectedRole } from "../access/member-change";
import { actorLabel, initiatorOf, type Actor } from "../actor";
import { auditEntry } from "./audit-entry";
import { RESTORE_WINDOW_MS } from "./deprovision";
import type { MemberView } from "./read-directory";
import { teamFor } from "./team-lookup";

type Verb = "restore" | "unlock";

const FROM: Record<Verb, MemberStatus> = { restore: "removed", unlock: "locked" };

/**
 * `restore` brings back a member removed within 30 days; `unlock` lifts a lock (docs/sync.md#deletion-policies).
 * Either returns the member to the standing they had before; for an owner or admin only the owner
 * may (access/member-change.ts).
 */
export async function changeStanding(deps: Deps, actor: Actor, slug: string, memberId: number, verb: Verb): Promise<MemberView> {
  const { team } = await teamFor(deps.db, actor, slug, "members.manage");
  const member = Number.isSafeInteger(memberId) ? await findMember(deps.db, { teamId: team.id, id: memberId }) : null;
  if (!member) throw new AppError("not_found", `成员 ${memberId} 不存在 / Member ${memberId} not found`);
  if (isProtectedRole(member.role)) await requirePermission(deps.db, actor, team, "members.roles");
  if (member.status !== FROM[verb]) {
    throw new AppError(
      "conflict",
      `成员当前状态为 ${member.status}，无法${verb === "restore" ? "恢复" : "解锁"} / The member is ${member.status}: nothing to ${verb}`,
    );
  }
  const now = deps.clock.now();
  if (verb === "restore" && member.deprovisionedAt && now.getTime() - member.deprovisionedAt.getTime() > RESTORE_WINDOW_MS) {
    throw new AppError("conflict", "移除已超过 30 天，无法恢复 / Removed more than 30 days ago: it can no longer be restored");
  }
  const status: MemberStatus = member.statusBefore && member.statusBefore !== FROM[verb] ? member.statusBefore : "imported";
  await deps.db.transaction(async (tx) => {
    await updateMember(tx, { id: member.id, set: { status, statusBefore: null, updatedAt: now } });
    await appendAudit(tx, [
      auditEntry({
        teamId: team.id,
        at: now,
        initiator: initiatorOf(actor),
        actor: actorLabel(actor),
        action: `member.${verb === "restore" ? "restored" : "unlocked"}`,
        subjectType: "member",
        subjectId: member.id,
        before: { status: member.status },
        after: { status },
      }),
    ]);
  });
  return {
    id: member.id,
    wecomUserId: member.wecomUserId,
    name: member.name,
    departmentIds: member.departmentIds,
    status,
    accountId: member.accountId,
  };
}
