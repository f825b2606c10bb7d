import { recordGoodRun } from "../../db/queries/policies";
import { analyzeMembers } from "../../db/queries/directory";
import { clearSeen } from "../../db/queries/sync-seen";
import { releaseWaitingHints } from "../../db/queries/inbox-waiting";
import { lockMirror } from "../../db/queries/observations";
import type { Step } from "./steps";

/** Members written by one run above which the table's statistics are refreshed (see analyzeMembers). */
const ANALYZE_AFTER_WRITES = 1_000;

/**
 * Drops the run's scratch rows; a trusted listing becomes the yardstick for the next run; hints
 * parked until an import finished become due (runJob drains them once this commits). The
 * statistics refresh is deferred: the members it counts are committed already, and the admin need
 * not wait the 0.3 s it takes at 100,000 members for the job to show as finished.
 */
export const doneStep: Step = (ctx) => {
  const now = ctx.deps.clock.now();
  const m = ctx.job.counts.members;
  if (m.created + m.updated + m.moved + m.deprovisioned >= ANALYZE_AFTER_WRITES) ctx.deps.defer(() => analyzeMembers(ctx.deps.db));
  return Promise.resolve({
    write: async (tx) => {
      await clearSeen(tx, { jobId: ctx.job.id });
      // Hints parked until an import finished go now; the mirror lock orders this against parking.
      await lockMirror(tx, { teamId: ctx.teamId });
      await releaseWaitingHints(tx, { teamId: ctx.teamId, now });
      if (!ctx.job.partial && ctx.cursor.listingSize)
        await recordGoodRun(tx, { teamId: ctx.teamId, listingSize: ctx.cursor.listingSize, now });
    },
    set: {
      state: "succeeded",
      finishedAt: now,
      leaseUntil: null,
      ...(ctx.job.partial
        ? {
            error: {
              code: "partial_listing",
              message: "部分页面读取失败，本次未移除任何成员 / Some pages failed: nobody was deprovisioned this run",
            },
          }
        : {}),
    },
  });
};
