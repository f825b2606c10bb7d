import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import { insertTeam } from "../../db/queries/teams";
import { requirePermission } from "../access/policy";
import type { Actor } from "../actor";
import { z } from "zod";
import { parseInput, text } from "../validate";

export interface TeamView {
  id: number;
  slug: string;
  name: string;
  createdAt: string;
}

/** `POST /api/teams`. */
export const CreateTeamInput = z.object({
  slug: text(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, "1–40 个小写字母、数字或连字符 / 1–40 lowercase letters, digits or hyphens"),
  name: text(/^(?=.*\S)[^\p{Cc}]{1,100}$/u, "1–100 个字符 / 1–100 characters"),
});

export async function createTeam(deps: Deps, actor: Actor, input: unknown): Promise<TeamView> {
  await requirePermission(deps.db, actor, null, "teams.create");
  const { slug, name } = parseInput(CreateTeamInput, input);
  const team = await insertTeam(deps.db, { slug: slug, name: name.trim() });
  if (!team) throw new AppError("team_exists", `团队 ${slug} 已存在 / Team ${slug} already exists`);
  deps.logger.info("team created", { slug });
  return { id: team.id, slug: team.slug, name: team.name, createdAt: team.createdAt.toISOString() };
}
