import { findTeamBySlug } from "../../db/queries/teams";
import type { Deps } from "../../deps";
import { AppError, teamNotFound } from "../../errors";
import { requireTeamAdmin } from "../access/team-access";
import type { Actor } from "../actor";

/**
 * Who may manage a team's webhooks: the operator, or an active owner or admin of that team
 * (services/access/team-access.ts). Answers the team's id.
 */
export async function webhookTeam(deps: Deps, actor: Actor, slug: string): Promise<number> {
  if (actor.kind === "account") return (await requireTeamAdmin(deps, actor, slug)).teamId;
  if (actor.kind !== "operator") throw new AppError("forbidden", "需要团队管理员权限 / Only a team owner or admin may do this");
  const team = await findTeamBySlug(deps.db, { slug });
  if (!team) throw teamNotFound(slug);
  return team.id;
}
