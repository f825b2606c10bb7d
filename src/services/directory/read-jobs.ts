import { stagedPage } from "../../db/queries/directory";
import { jobById, jobStartedSince, latestJobs, type JobRow } from "../../db/queries/sync-jobs";
import type { Db } from "../../db/types";
import type { Deps } from "../../deps";
import { z } from "zod";
import { pageNumber, QUERY_PROBLEM, queryId, queryLimit } from "../paging";
import { parseInput } from "../validate";
import type { Actor } from "../actor";
import { estimateJob } from "./job-estimate";
import { jobView, type JobView } from "./job-view";
import { teamFor, teamJob } from "./team-lookup";

export type { JobRow };

/** The job as one reader sees it now: with its estimate while the members phase runs. */
const viewNow = (deps: Deps, job: JobRow): JobView => jobView(job, estimateJob(job, deps.clock.now(), deps.config.wecomBudget));

export async function getJob(deps: Deps, actor: Actor, slug: string, jobId: number): Promise<JobView> {
  return viewNow(deps, (await teamJob(deps.db, actor, slug, jobId, "team.read")).job);
}

/** The job with its team's name, for its progress page (views/job-page.tsx). */
export interface JobWithTeam {
  team: { slug: string; name: string };
  job: JobView;
}

export async function getJobWithTeam(deps: Deps, actor: Actor, slug: string, jobId: number): Promise<JobWithTeam> {
  const { team, job } = await teamJob(deps.db, actor, slug, jobId, "team.read");
  return { team: { slug: team.slug, name: team.name }, job: viewNow(deps, job) };
}

/** A job by id alone, for the admin bot's reports and cards: they start from a job, not from an actor's slug. */
export async function findJobById(db: Db, jobId: number): Promise<JobRow | null> {
  return jobById(db, { jobId });
}

/** The id of the team's latest job created at or after `since`: what an earlier run of the same chat message started. */
export async function latestJobSince(db: Db, teamId: number, since: Date): Promise<number | null> {
  return jobStartedSince(db, { teamId, since });
}

export async function listJobs(deps: Deps, actor: Actor, slug: string): Promise<JobView[]> {
  const { team } = await teamFor(deps.db, actor, slug, "team.read");
  return (await latestJobs(deps.db, { teamId: team.id, limit: 50 })).map((job) => jobView(job));
}

/** `GET …/jobs/:id/staged` query string. */
export const StagedQuery = z.object({ cursor: queryId(), limit: queryLimit(1000) });

export interface StagedItem {
  memberId: number;
  wecomUserId: string | null;
  name: string;
  status: string;
  role: string | null;
  reason: string;
}

/**
 * The deprovisions a run holds back: the exact set `confirm` would apply (docs/sync.md#brakes). `page`
 * is the query string's `cursor` and `limit` (paging.ts), 422 when malformed.
 */
export async function listStaged(
  deps: Deps,
  actor: Actor,
  slug: string,
  jobId: number,
  page: Record<string, string | undefined> = {},
): Promise<{ items: StagedItem[]; nextCursor: number | null }> {
  const q = parseInput(StagedQuery, page, { message: QUERY_PROBLEM });
  const after = pageNumber(q.cursor, 0);
  const limit = pageNumber(q.limit, 200);
  const { job } = await teamJob(deps.db, actor, slug, jobId, "team.read");
  const rows = await stagedPage(deps.db, { jobId: job.id, afterMemberId: after, limit, includeProtected: true });
  return {
    items: rows.map(({ staged, member }) => ({
      memberId: member.id,
      wecomUserId: member.wecomUserId,
      name: member.name,
      status: member.status,
      role: member.role,
      reason: staged.reason,
    })),
    nextCursor: rows.length === limit ? rows[rows.length - 1]!.member.id : null,
  };
}
