import { randomUUID } from "node:crypto";
import { claimJob, LeaseLost, releaseJob, renewJobLease, updateJob, type JobRow } from "../../db/queries/sync-jobs";
import { clearSeen } from "../../db/queries/sync-seen";
import { appendWebhookEvent } from "../../db/queries/webhooks";
import type { Db } from "../../db/types";
import { deliverWebhooks } from "../webhooks/deliver";
import type { JobPhase } from "../../db/schema";
import { drainInbox } from "../callbacks/process-inbox";
import type { Deps } from "../../deps";
import { withFields } from "../../logger";
import { startHeartbeat } from "../heartbeat";
import { WecomApiError, WecomRetryableError } from "../../wecom/api-error";
import { jobContext, type RunnerMemo } from "./job-context";
import { applyStep } from "./step-apply";
import { deprovisionStep } from "./step-deprovision";
import { doneStep } from "./step-done";
import { membersStep } from "./step-members";
import { planStep } from "./step-plan";
import { verifyStep } from "./step-verify";
import { scopeStep } from "./step-scope";
import type { Step, StepOutcome } from "./steps";

/**
 * A runner's lease, renewed every HEARTBEAT_MS while it works (also within one long step). Short,
 * so a job whose runner died is taken over within a lease and one sync-resume period (5 s on
 * Node); four beats long, so a slow renewal or two does not lose a live runner its job.
 */
export const JOB_LEASE_MS = 20_000;
export const JOB_HEARTBEAT_MS = 5_000;

const STEPS: Record<JobPhase, Step> = {
  queued: scopeStep,
  scope: scopeStep,
  departments: scopeStep,
  members: membersStep,
  plan: planStep,
  verify: verifyStep,
  apply: applyStep,
  deprovision: deprovisionStep,
  done: doneStep,
};

export interface RunOptions {
  /** Stop (releasing the job) once `deps.clock` passes this time (ms); the invocation's `deps.budget` stops it too. */
  deadline?: number;
}

/** Past the caller's deadline, or the invocation's budget (Workers) is spent: stop between steps. */
export function outOfTime(deps: Deps, opts: RunOptions): boolean {
  return (opts.deadline !== undefined && deps.clock.now().getTime() > opts.deadline) || (deps.budget?.exhausted() ?? false);
}

/**
 * Drives one job step by step while holding its lease (one runner per job,
 * docs/architecture.md#coordination-lives-in-postgresql). Each step commits its writes with its
 * cursor, so whoever takes over after a crash resumes, not restarts.
 */
export async function runJob(outer: Deps, jobId: number, opts: RunOptions = {}): Promise<JobRow | null> {
  let deps = outer;
  const runnerId = randomUUID();
  const claimed = await claimJob(deps.db, { jobId, now: deps.clock.now(), leaseUntil: leaseFrom(deps), runnerId });
  if (!claimed) return null;
  // Every line of the job's work names its team and job, whoever logs it (steps, reports).
  deps = { ...deps, logger: withFields(deps.logger, { teamId: claimed.teamId, jobId }) };
  // Which instance drives the job: an operator (or the takeover bench) matches the runner id of
  // sync_jobs with this line.
  deps.logger.info("sync job claimed", { jobId, runnerId, phase: claimed.phase, resumed: claimed.phase !== "queued" });
  const heartbeat = startHeartbeat(deps, {
    everyMs: JOB_HEARTBEAT_MS,
    renew: () => renewJobLease(deps.db, { jobId, runnerId, leaseUntil: leaseFrom(deps) }),
    what: "sync job",
    fields: { jobId, runnerId },
  });
  let job: JobRow = claimed;
  const memo: RunnerMemo = {};
  try {
    while (job.state === "running") {
      // Another runner took the job over while this one was stalled: writing on would fail
      // (LeaseLost) anyway, so stop before the next step's WeCom reads.
      if (heartbeat.lost) {
        deps.logger.warn("sync job taken over by another runner", { jobId, phase: job.phase });
        return null;
      }
      if (job.cancelRequested) {
        job = await finish(deps, job, runnerId, { state: "cancelled" });
        await deps.hooks.jobEvent(deps, job);
        break;
      }
      if (outOfTime(deps, opts)) break;
      job = await runStep(deps, job, runnerId, memo);
      // The admin bot's progress, summary and breaker card (docs/architecture.md#admin-bot); never fails the job.
      await deps.hooks.jobEvent(deps, job);
    }
  } catch (err) {
    if (!(err instanceof LeaseLost)) throw err;
    deps.logger.warn("sync job taken over by another runner", { jobId, phase: job.phase });
    return null;
  } finally {
    // Before the release, so no renewal lands after it.
    await heartbeat.stop();
    await releaseJob(deps.db, { jobId, runnerId });
  }
  if (job.state !== "running" && job.state !== "queued") {
    const seconds = ((job.finishedAt ?? job.updatedAt).getTime() - job.createdAt.getTime()) / 1000;
    deps.metrics?.syncJobFinished({ outcome: job.state, seconds: Math.max(0, seconds) });
  }
  // The outbox rows this job wrote; the webhook-deliver schedule would find them too.
  deps.defer(() => deliverWebhooks(deps));
  // Hints parked until this import finished are due now (step-done.ts).
  if (job.state === "succeeded") deps.defer(() => drainInbox(deps));
  return job;
}

/** The lease a runner holds from now on. */
export function leaseFrom(deps: Deps): Date {
  return new Date(deps.clock.now().getTime() + JOB_LEASE_MS);
}

/**
 * One step of a running job, committed with its cursor and a renewed lease; a step that fails
 * fails the job. Throws LeaseLost when another runner holds the job.
 */
export async function runStep(deps: Deps, job: JobRow, runnerId: string, memo: RunnerMemo): Promise<JobRow> {
  const ctx = await jobContext(deps, job, memo);
  try {
    const outcome: StepOutcome = await STEPS[job.phase](ctx);
    return await deps.db.transaction(async (tx): Promise<JobRow> => {
      await outcome.write?.(tx);
      const updated = await updateJob(tx, {
        jobId: job.id,
        runnerId,
        now: deps.clock.now(),
        set: { phase: job.phase === "queued" ? "scope" : job.phase, ...outcome.set, leaseUntil: leaseFrom(deps) },
      });
      if (updated.state === "succeeded" || updated.state === "needs_confirmation") await syncEvent(tx, updated, deps.clock.now());
      return updated;
    });
  } catch (err) {
    if (err instanceof LeaseLost) throw err;
    deps.logger.error("sync job failed", { jobId: job.id, phase: job.phase, error: err });
    return finish(deps, job, runnerId, { state: "failed", error: describe(err) });
  }
}

async function finish(
  deps: Deps,
  job: JobRow,
  runnerId: string,
  set: { state: "cancelled" | "failed"; error?: JobRow["error"] },
): Promise<JobRow> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const updated = await updateJob(tx, { jobId: job.id, runnerId, now, set: { ...set, finishedAt: now } });
    await clearSeen(tx, { jobId: job.id });
    if (updated.state === "failed") await syncEvent(tx, updated, now);
    return updated;
  });
}

/** The job's outcome for webhook endpoints, in the transaction that records it. */
async function syncEvent(tx: Db, job: JobRow, at: Date): Promise<void> {
  const type = `sync.${job.state}` as "sync.succeeded" | "sync.failed" | "sync.needs_confirmation";
  await appendWebhookEvent(tx, {
    teamId: job.teamId,
    type,
    subject: `job:${job.id}`,
    data: { jobId: job.id, state: job.state, counts: job.counts, error: job.error ?? null },
    at,
  });
}

/** A failure as the job shows it: WeCom's errcode and API when WeCom said no (docs/architecture.md#errors). */
function describe(err: unknown): NonNullable<JobRow["error"]> {
  if (err instanceof WecomApiError)
    return { code: "wecom_rejected", message: `${err.hint.zh} / ${err.hint.en}`, errcode: err.errcode, api: err.api };
  if (err instanceof WecomRetryableError) {
    return {
      code: "wecom_unavailable",
      message: `企业微信暂时不可用 / WeCom unavailable: ${err.reason}`,
      api: err.api,
      ...(err.errcode === undefined ? {} : { errcode: err.errcode }),
    };
  }
  return { code: "internal", message: err instanceof Error ? err.message : String(err) };
}
