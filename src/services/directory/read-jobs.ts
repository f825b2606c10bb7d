import { stagedPage } from "../../db/queries/directory";
import { latestJobs } from "../../db/queries/sync-jobs";
import { findTeamBySlug } from "../../db/queries/teams";
import type { Deps } from "../../deps";
import { teamNotFound } from "../../errors";
import type { Actor } from "../actor";
import { jobView, type JobView } from "./job-view";
import { teamJob } from "./team-lookup";

export async function getJob(deps: Deps, _actor: Actor, slug: string, jobId: number): Promise<JobView> {
  return jobView((await teamJob(deps.db, slug, jobId)).job);
}

export async function listJobs(deps: Deps, _actor: Actor, slug: string): Promise<JobView[]> {
  const team = await findTeamBySlug(deps.db, { slug });
  if (!team) throw teamNotFound(slug);
  return (await latestJobs(deps.db, { teamId: team.id, limit: 50 })).map(jobView);
}

export interface StagedItem {
  memberId: number;
  wecomUserId: string | null;
  name: string;
  status: string;
  role: string | null;
  reason: string;
}

/** The deprovisions a run holds back: the exact set `confirm` would apply (docs/sync.md#brakes). */
export async function listStaged(deps: Deps, _actor: Actor, slug: string, jobId: number, after = 0, limit = 200): Promise<{ items: StagedItem[]; nextCursor: number | null }> {
  const { job } = await teamJob(deps.db, slug, jobId);
  const page = await stagedPage(deps.db, { jobId: job.id, afterMemberId: after, limit, includeProtected: true });
  return {
    items: page.map(({ staged, member }) => ({ memberId: member.id, wecomUserId: member.wecomUserId, name: member.name, status: member.status, role: member.role, reason: staged.reason })),
    nextCursor: page.length === limit ? page[page.length - 1]!.member.id : null,
  };
}
