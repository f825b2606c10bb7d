import { findJob, type JobRow } from "../../db/queries/sync-jobs";
import { findTeamWithBinding, findTeamWithBindingById, type BindingRow, type TeamRow } from "../../db/queries/teams";
import type { Db } from "../../db/types";
import { AppError, teamNotFound } from "../../errors";
import { requirePermission, type Permission } from "../access/policy";
import type { Actor } from "../actor";

export type { BindingRow, TeamRow };

/**
 * The team a verb acts on, once the access policy let the actor do `permission` to it
 * (access/policy.ts). An unknown slug is 404 (a session never gets this far: the team API's gate
 * answers it not_a_member).
 */
export async function teamFor(
  db: Db,
  actor: Actor,
  slug: string,
  permission: Permission,
): Promise<{ team: TeamRow; binding: BindingRow | null }> {
  const found = await findTeamWithBinding(db, { slug });
  if (!found) throw teamNotFound(slug);
  await requirePermission(db, actor, found.team, permission);
  return found;
}

function bound(found: { team: TeamRow; binding: BindingRow | null }): { team: TeamRow; binding: BindingRow } {
  if (!found.binding)
    throw new AppError("not_bound", `团队 ${found.team.slug} 尚未绑定企业微信 / Team ${found.team.slug} is not bound to WeCom`);
  return { team: found.team, binding: found.binding };
}

/** A bound team, for work that is not an actor's (callback verification). */
export async function boundTeam(db: Db, slug: string): Promise<{ team: TeamRow; binding: BindingRow }> {
  const found = await findTeamWithBinding(db, { slug });
  if (!found) throw teamNotFound(slug);
  return bound(found);
}

/**
 * A bound team by id, for work that starts from a team id rather than an actor's slug (the admin
 * bot: a chat message, a job report, a disabled endpoint); null when the team is gone or unbound.
 */
export async function boundTeamById(db: Db, teamId: number): Promise<{ team: TeamRow; binding: BindingRow } | null> {
  const found = await findTeamWithBindingById(db, { id: teamId });
  return found?.binding ? { team: found.team, binding: found.binding } : null;
}

/** teamFor, and the team must be bound to WeCom. */
export async function boundTeamFor(
  db: Db,
  actor: Actor,
  slug: string,
  permission: Permission,
): Promise<{ team: TeamRow; binding: BindingRow }> {
  return bound(await teamFor(db, actor, slug, permission));
}

/** teamFor, and one of the team's jobs (404 for another team's). */
export async function teamJob(
  db: Db,
  actor: Actor,
  slug: string,
  jobId: number,
  permission: Permission,
): Promise<{ team: TeamRow; job: JobRow }> {
  const { team } = await teamFor(db, actor, slug, permission);
  const job = Number.isSafeInteger(jobId) ? await findJob(db, { teamId: team.id, jobId }) : null;
  if (!job) throw new AppError("not_found", `任务 ${jobId} 不存在 / Job ${jobId} not found`);
  return { team, job };
}
