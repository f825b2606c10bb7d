import { boundTeamIds } from "../../db/queries/bindings";
import { createOrGetOpenJob, runnableJobs } from "../../db/queries/sync-jobs";
import { pruneTombstones } from "../../db/queries/tombstones";
import { pruneRateWindows } from "../../db/queries/wecom-rate";
import type { Deps } from "../../deps";
import { outOfTime, runJob } from "./run-job";

/** Drives queued jobs and resumes those whose runner died (lease lapsed), one after another. */
export async function resumeJobs(deps: Deps, opts: { deadline?: number } = {}): Promise<number> {
  let ran = 0;
  for (const job of await runnableJobs(deps.db, { now: deps.clock.now() })) {
    if (outOfTime(deps, opts)) break;
    if (await runJob(deps, job.id, opts)) ran++;
  }
  return ran;
}

/**
 * The scheduled reconcile (docs/sync.md#reconcile): a full sync of every bound team repairs whatever a lost
 * callback missed. A team with a job already open keeps that one.
 */
export async function reconcileAll(deps: Deps): Promise<number> {
  let started = 0;
  for (const teamId of await boundTeamIds(deps.db)) {
    const { created } = await createOrGetOpenJob(deps.db, { teamId, initiator: "schedule", now: deps.clock.now() });
    if (created) started++;
  }
  deps.logger.info("reconcile scheduled", { started });
  await resumeJobs(deps);
  return started;
}

/** Rate windows older than two hours count for nothing any more; nor do tombstones a week old (docs/observations.md). */
export async function housekeeping(deps: Deps): Promise<void> {
  const now = deps.clock.now().getTime();
  await pruneRateWindows(deps.db, { before: new Date(now - 2 * 3_600_000) });
  await pruneTombstones(deps.db, { before: new Date(now - 7 * 24 * 3_600_000) });
}
