import { createOrGetOpenJob } from "../../db/queries/sync-jobs";
import type { Deps } from "../../deps";
import { jobProgressUrl } from "../../security/signed-link";
import { initiatorOf, type Actor } from "../actor";
import { jobView, type JobView } from "./job-view";
import { runJob } from "./run-job";
import { boundTeamFor } from "./team-lookup";

/** Starts an import/sync (docs/sync.md#job-steps), or answers the one already open; the work runs deferred. */
export async function startSync(deps: Deps, actor: Actor, slug: string): Promise<{ job: JobView; created: boolean; progressUrl: string }> {
  const { team } = await boundTeamFor(deps.db, actor, slug, "sync.start");
  const { job, created } = await createOrGetOpenJob(deps.db, {
    teamId: team.id,
    initiator: actor.kind === "system" ? "schedule" : initiatorOf(actor),
    now: deps.clock.now(),
  });
  if (created) {
    deps.logger.info("sync job started", { slug, jobId: job.id });
    deps.defer(() => runJob(deps, job.id));
  }
  return { job: jobView(job), created, progressUrl: jobProgressUrl(deps.config, team.slug, job.id, deps.clock.now()) };
}
