import { countMembers, dropStaged, missingMembers, stagedCount } from "../../db/queries/directory";
import { NEVER } from "../../db/queries/observations";
import { countSeenWork } from "../../db/queries/sync-seen";
import { WecomRetryableError } from "../../wecom/api-error";
import { breakerThreshold } from "./breaker";
import type { JobContext } from "./job-context";
import { refreshMember } from "./refresh-member";
import { mapLimit, type Step, type StepOutcome } from "./steps";

/** Missing members re-read per step (≤ 5 in flight, docs/wecom.md#rate-limits). */
const PER_STEP = 50;

/**
 * Missing means missing for the whole run (docs/observations.md): a listing read page by page over
 * minutes is no snapshot, so a member it missed is staged only after a re-read of its own confirms
 * it gone. One found after all is written as that re-read saw it. Members observed since the listing
 * began are not candidates at all. Then the brakes (docs/sync.md#brakes).
 */
export const verifyStep: Step = async (ctx) => {
  if (ctx.cursor.skipDeprovisions) return brakes(ctx, true);
  const missing = await missingMembers(ctx.deps.db, {
    teamId: ctx.teamId,
    jobId: ctx.job.id,
    // A job begun before read times were kept confirms nobody gone: it deprovisions nobody.
    listedSince: ctx.cursor.listedAt ?? NEVER,
    afterKey: ctx.cursor.verifyAfterKey ?? "",
    limit: PER_STEP,
  });
  if (missing.length === 0) return brakes(ctx, false);
  const listed = new Set(ctx.cursor.departmentIds ?? []);
  try {
    await mapLimit(missing, 5, (m) =>
      refreshMember(ctx.deps, {
        teamId: ctx.teamId,
        api: ctx.wecom(),
        userId: m.userId,
        initiator: ctx.job.initiator,
        scopeDepartmentIds: ctx.scopeDepartmentIds,
        stageForJob: ctx.job.id,
        departmentsInScope: listed,
      }),
    );
  } catch (err) {
    if (!(err instanceof WecomRetryableError)) throw err;
    // Whoever could not be re-read is not known to be gone: this run deprovisions nobody.
    ctx.deps.logger.warn("missing member not confirmed", { jobId: ctx.job.id, error: err });
    return { set: { partial: true, cursor: { ...ctx.cursor, skipDeprovisions: "partial_listing" } } };
  }
  return { set: { done: ctx.job.done + missing.length, cursor: { ...ctx.cursor, verifyAfterKey: missing[missing.length - 1]!.key } } };
};

async function brakes(ctx: JobContext, skip: boolean): Promise<StepOutcome> {
  const db = ctx.deps.db;
  const seen = await countSeenWork(db, { jobId: ctx.job.id });
  const active = await countMembers(db, { teamId: ctx.teamId, status: "active" });
  const threshold = breakerThreshold(active);
  let staged = { total: 0, protected: 0 };
  return {
    write: async (tx) => {
      if (skip) await dropStaged(tx, { jobId: ctx.job.id, exceptProtected: false });
      staged = await stagedCount(tx, { jobId: ctx.job.id });
    },
    get set() {
      const deprovisions = staged.total - staged.protected;
      const cursor = { ...ctx.cursor, breaker: { deprovisions, threshold, active } };
      // Progress of apply: departments, staged members, deprovisions (unchanged members need no step).
      const total = seen.departments + seen.staged + deprovisions;
      if (deprovisions > threshold) return { state: "needs_confirmation" as const, total, cursor };
      return { phase: "apply" as const, done: 0, total, cursor: { ...cursor, afterKey: "" } };
    },
  };
}
