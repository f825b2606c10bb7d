import { findJob, type JobRow } from "../../db/queries/sync-jobs";
import { findTeamWithBinding, type BindingRow, type TeamRow } from "../../db/queries/teams";
import type { Db } from "../../db/types";
import { AppError, teamNotFound } from "../../errors";

export async function boundTeam(db: Db, slug: string): Promise<{ team: TeamRow; binding: BindingRow }> {
  const found = await findTeamWithBinding(db, { slug });
  if (!found) throw teamNotFound(slug);
  if (!found.binding) throw new AppError("not_bound", `团队 ${slug} 尚未绑定企业微信 / Team ${slug} is not bound to WeCom`);
  return { team: found.team, binding: found.binding };
}

export async function teamJob(db: Db, slug: string, jobId: number): Promise<{ team: TeamRow; job: JobRow }> {
  const found = await findTeamWithBinding(db, { slug });
  if (!found) throw teamNotFound(slug);
  const job = Number.isSafeInteger(jobId) ? await findJob(db, { teamId: found.team.id, jobId }) : null;
  if (!job) throw new AppError("not_found", `任务 ${jobId} 不存在 / Job ${jobId} not found`);
  return { team: found.team, job };
}
