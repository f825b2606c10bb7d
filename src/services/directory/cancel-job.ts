import { requestCancel, transitionJob } from "../../db/queries/sync-jobs";
import { clearSeen } from "../../db/queries/sync-seen";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import type { Actor } from "../actor";
import { jobView, type JobView } from "./job-view";
import { runJob } from "./run-job";
import { teamJob } from "./team-lookup";

/** Cancels between steps: what is committed stays, nothing further is applied. */
export async function cancelJob(deps: Deps, actor: Actor, slug: string, jobId: number): Promise<JobView> {
  const { job } = await teamJob(deps.db, actor, slug, jobId, "job.cancel");
  const now = deps.clock.now();
  if (job.state === "needs_confirmation") {
    const cancelled = await deps.db.transaction(async (tx) => {
      const moved = await transitionJob(tx, { jobId, from: "needs_confirmation", now, set: { state: "cancelled", finishedAt: now } });
      if (moved) await clearSeen(tx, { jobId });
      return moved;
    });
    if (cancelled) {
      // Settled outside the runner, whose hook would have told the admin who started it in chat.
      deps.defer(() => deps.hooks.jobEvent(deps, cancelled));
      return jobView(cancelled);
    }
  }
  if (job.state !== "queued" && job.state !== "running") {
    throw new AppError("conflict", `任务已结束（${job.state}）/ The job has already ended (${job.state})`);
  }
  await requestCancel(deps.db, { jobId });
  deps.defer(() => runJob(deps, jobId));
  return jobView({ ...job, cancelRequested: true });
}
