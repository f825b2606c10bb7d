import { appendAudit } from "../../db/queries/audit";
import { insertAccountMember, lockTeamForMembership, membersOfAccount, unlinkWecomRow } from "../../db/queries/memberships";
import type { Deps } from "../../deps";
import { AppError, teamNotFound } from "../../errors";
import { actorLabel, type Actor } from "../actor";
import { auditEntry } from "../directory/audit-entry";
import { lockedMember, notAuthorized } from "../join/accept-invitation";
import { accountOf } from "./own-bindings";

/**
 * Unbinding (docs/http-api.md#html-pages): the account leaves its WeCom identity but stays in the team with the
 * same role, as a non-WeCom member; the WeCom row becomes imported again. Only an active member can
 * unbind — unbinding never lifts a lock or a deauthorization. The account is never deleted.
 */
export async function unbindOwnWecom(deps: Deps, actor: Actor, p: { slug: string }): Promise<void> {
  const accountId = accountOf(actor);
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const team = await lockTeamForMembership(tx, { slug: p.slug });
    if (!team) throw teamNotFound(p.slug);
    const rows = await membersOfAccount(tx, { teamId: team.id, accountId });
    const row = rows.find((r) => r.wecomUserKey !== null);
    if (!row) throw new AppError("not_found", "你的账号在该团队没有绑定企业微信 / Your account is not bound to WeCom in this team");
    if (row.status === "locked") throw lockedMember();
    if (row.status !== "active") throw notAuthorized();
    if (!(await unlinkWecomRow(tx, { teamId: team.id, id: row.id, accountId, now }))) {
      throw new AppError("conflict", "成员状态刚刚发生变化，请重试 / The member changed just now; try again");
    }
    const kept = await insertAccountMember(tx, {
      teamId: team.id,
      accountId,
      name: row.name,
      role: row.role ?? "member",
      status: "active",
      now,
    });
    const base = { teamId: team.id, at: now, initiator: "member" as const, actor: actorLabel(actor), subjectType: "member" as const };
    await appendAudit(tx, [
      auditEntry({
        ...base,
        action: "member.unlinked",
        subjectId: row.id,
        before: { accountId, status: row.status, role: row.role },
        after: { accountId: null, status: "imported", movedTo: kept.id },
      }),
      auditEntry({
        ...base,
        action: "member.added",
        subjectId: kept.id,
        after: { accountId, role: kept.role, status: "active", from: row.id },
      }),
    ]);
  });
}
