import { recordGoodRun } from "../../db/queries/policies";
import { clearSeen } from "../../db/queries/sync-seen";
import type { Step } from "./steps";

/** Drops the run's scratch rows; a trusted listing becomes the yardstick for the next run. */
export const doneStep: Step = (ctx) => {
  const now = ctx.deps.clock.now();
  return Promise.resolve({
    write: async (tx) => {
      await clearSeen(tx, { jobId: ctx.job.id });
      if (!ctx.job.partial && ctx.cursor.listingSize) await recordGoodRun(tx, { teamId: ctx.teamId, listingSize: ctx.cursor.listingSize, now });
    },
    set: { state: "succeeded", finishedAt: now, leaseUntil: null, ...(ctx.job.partial ? { error: { code: "partial_listing", message: "部分页面读取失败，本次未移除任何成员 / Some pages failed: nobody was deprovisioned this run" } } : {}) },
  });
};
