import { appendAudit } from "../../db/queries/audit";
import { dropStaged } from "../../db/queries/directory";
import { transitionJob } from "../../db/queries/sync-jobs";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import { actorLabel, initiatorOf, type Actor } from "../actor";
import { auditEntry } from "./audit-entry";
import type { SyncCursor } from "./job-context";
import { jobView, type JobView } from "./job-view";
import { runJob } from "./run-job";
import { teamJob } from "./team-lookup";

/**
 * An admin's answer to a tripped breaker (docs/sync.md#brakes): `confirm` applies exactly the staged set,
 * `reject` drops it; either way the run's other changes are applied. A second answer is refused.
 */
export async function decideJob(deps: Deps, actor: Actor, slug: string, jobId: number, decision: "confirm" | "reject"): Promise<JobView> {
  const { team, job } = await teamJob(deps.db, actor, slug, jobId, "job.decide");
  if (job.state !== "needs_confirmation") {
    throw new AppError("conflict", `任务不在等待确认状态（${job.state}）/ The job is not waiting for a decision (${job.state})`);
  }
  const now = deps.clock.now();
  const cursor = job.cursor as SyncCursor;
  const updated = await deps.db.transaction(async (tx) => {
    const moved = await transitionJob(tx, {
      jobId,
      from: "needs_confirmation",
      now,
      set: {
        state: "running",
        phase: "apply",
        done: 0,
        leaseUntil: null,
        cursor: { ...cursor, afterKey: "", ...(decision === "reject" ? { skipDeprovisions: "rejected" } : {}) },
      },
    });
    if (!moved) return null;
    if (decision === "reject") await dropStaged(tx, { jobId, exceptProtected: true });
    await appendAudit(tx, [
      auditEntry({
        teamId: team.id,
        at: now,
        initiator: initiatorOf(actor),
        actor: actorLabel(actor),
        jobId,
        action: `job.${decision}ed`,
        subjectType: "job",
        subjectId: jobId,
        after: { breaker: cursor.breaker },
      }),
    ]);
    return moved;
  });
  if (!updated) throw new AppError("conflict", "该任务已有决定 / The job was already decided");
  deps.defer(() => runJob(deps, jobId));
  return jobView(updated);
}
