import { findTeamBySlug } from "../db/queries/teams";
import type { Deps } from "../deps";
import { teamNotFound } from "../errors";
import type { Actor } from "../services/actor";
import type { JobView } from "../services/directory/job-view";
import { getJob } from "../services/directory/read-jobs";

export interface JobPageData {
  team: { slug: string; name: string };
  job: JobView;
}

/** What the progress page shows: the team's name and the job as the API reports it. */
export async function loadJobPage(deps: Deps, actor: Actor, slug: string, jobId: number): Promise<JobPageData> {
  const team = await findTeamBySlug(deps.db, { slug });
  if (!team) throw teamNotFound(slug);
  const job = await getJob(deps, actor, slug, jobId);
  return { team: { slug: team.slug, name: team.name }, job };
}
