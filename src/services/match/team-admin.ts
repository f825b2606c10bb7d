import { accountStanding, lockTeamForMembership } from "../../db/queries/memberships";
import type { TeamRow } from "../../db/queries/teams";
import type { Db } from "../../db/types";
import { AppError, teamNotFound } from "../../errors";
import type { Caller } from "../accounts/caller";
import { judgeStanding } from "../access/team-access";
import { checkWecomActor } from "../access/wecom-admin";

/**
 * The team, locked against other membership changes for the transaction, after checking that an
 * account caller is an active owner or admin, and a WeCom caller a team admin (access/wecom-admin.ts;
 * the route or bot checked it too; the verb does not rely on the transport for it).
 */
export async function lockTeamAsAdmin(tx: Db, caller: Caller, slug: string): Promise<TeamRow> {
  const team = await lockTeamForMembership(tx, { slug });
  if (!team) throw teamNotFound(slug);
  if (caller.kind === "account") {
    const standing = await accountStanding(tx, { slug, accountId: caller.accountId });
    const { role } = judgeStanding(standing?.rows ?? []);
    if (role !== "owner" && role !== "admin") throw new AppError("forbidden", "需要团队管理员权限 / Only a team owner or admin may do this");
  }
  await checkWecomActor(tx, caller, team.id);
  return team;
}
