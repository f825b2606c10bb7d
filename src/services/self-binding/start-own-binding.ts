import { accountStanding } from "../../db/queries/memberships";
import { findTeamWithBinding } from "../../db/queries/teams";
import type { Deps } from "../../deps";
import { AppError, teamNotFound } from "../../errors";
import type { Actor } from "../actor";
import { accountOf } from "./own-bindings";

/** Before sending a member to WeCom OAuth: the team's corp and app, if the account may bind there. */
export async function startOwnBinding(deps: Deps, actor: Actor, p: { slug: string }): Promise<{ corpId: string; agentId: string }> {
  const accountId = accountOf(actor);
  const found = await findTeamWithBinding(deps.db, { slug: p.slug });
  if (!found) throw teamNotFound(p.slug);
  const standing = await accountStanding(deps.db, { slug: p.slug, accountId });
  if (!standing?.rows.some((r) => r.status !== "removed"))
    throw new AppError("not_a_member", "你不是该团队的成员 / You are not a member of this team");
  if (!found.binding) throw new AppError("not_bound", "该团队未绑定企业微信 / This team is not bound to WeCom");
  return { corpId: found.binding.corpId, agentId: found.binding.agentId };
}
