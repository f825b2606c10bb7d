import { teamsOfAccount, type AccountTeam } from "../../db/queries/memberships";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import type { Actor } from "../actor";

export type { AccountTeam };

export function accountOf(actor: Actor): number {
  if (actor.kind !== "account") throw new AppError("unauthorized", "需要登录 / Sign in first");
  return actor.accountId;
}

/** The settings page's list (docs/http-api.md#html-pages): each team of the account, bound to WeCom or not, and who they are there. */
export async function ownBindings(deps: Deps, actor: Actor): Promise<AccountTeam[]> {
  return teamsOfAccount(deps.db, { accountId: accountOf(actor) });
}
