import { setBindingAdmins } from "../../db/queries/bindings";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import { teamFor } from "../directory/team-lookup";
import type { Actor } from "../actor";
import { z } from "zod";
import { parseInput } from "../validate";
import { AdminUserIds } from "./admin-list";
import { bindingView, type BindingView } from "./binding-view";

/** `PUT /api/teams/:slug/wecom/admins`. */
export const BotAdminsInput = z.object({ adminUserIds: AdminUserIds });

/**
 * Replaces the bot's admin list of a bound team, leaving the credentials alone: nothing to check
 * with WeCom, no secret to type again. Duplicates that differ only in case are kept once.
 */
export async function setBotAdmins(deps: Deps, actor: Actor, slug: string, input: unknown): Promise<BindingView> {
  const ids = parseInput(BotAdminsInput, input).adminUserIds;
  const { team } = await teamFor(deps.db, actor, slug, "team.bind");
  const seen = new Set<string>();
  const adminUserIds = ids.filter((id) => !seen.has(id.toLowerCase()) && seen.add(id.toLowerCase()));
  const row = await setBindingAdmins(deps.db, { teamId: team.id, adminUserIds, now: deps.clock.now() });
  if (!row) throw new AppError("not_bound", "该团队未绑定企业微信 / This team is not bound to WeCom");
  deps.logger.info("bot admins set", { slug, admins: adminUserIds.length });
  return bindingView(deps, team, row);
}
