import { lockTeamForMembership } from "../../db/queries/memberships";
import type { TeamRow } from "../../db/queries/teams";
import type { Db } from "../../db/types";
import { teamNotFound } from "../../errors";
import type { Caller } from "../accounts/caller";
import { requirePermission } from "../access/policy";

/**
 * The team, locked against other membership changes for the transaction, once the access policy
 * let the caller manage its members (access/policy.ts; the same rule for accounts and WeCom users).
 */
export async function lockTeamAsAdmin(tx: Db, caller: Caller, slug: string): Promise<TeamRow> {
  const team = await lockTeamForMembership(tx, { slug });
  if (!team) throw teamNotFound(slug);
  await requirePermission(tx, caller, team, "members.manage");
  return team;
}
