import { countMembers, dropStaged, stageMissingMembers, stagedCount } from "../../db/queries/directory";
import { readPolicy } from "../../db/queries/policies";
import { analyzeSeen, countSeen } from "../../db/queries/sync-seen";
import { breakerThreshold, untrustedListing } from "./breaker";
import type { Step } from "./steps";

/** Stages the deprovision set and applies the brakes before anything is written (design §1.10). */
export const planStep: Step = async (ctx) => {
  const db = ctx.deps.db;
  const seen = await countSeen(db, { jobId: ctx.job.id });
  const active = await countMembers(db, { teamId: ctx.teamId, status: "active" });
  const policy = await readPolicy(db, { teamId: ctx.teamId });
  const skip = untrustedListing({ partial: ctx.job.partial, seenMembers: seen.members, lastGoodListingSize: policy.lastGoodListingSize });
  const threshold = breakerThreshold(active);
  let staged = { total: 0, protected: 0 };
  return {
    write: async (tx) => {
      await analyzeSeen(tx);
      await stageMissingMembers(tx, { teamId: ctx.teamId, jobId: ctx.job.id });
      if (skip) await dropStaged(tx, { jobId: ctx.job.id, exceptProtected: false });
      staged = await stagedCount(tx, { jobId: ctx.job.id });
    },
    get set() {
      const deprovisions = staged.total - staged.protected;
      const cursor = { ...ctx.cursor, listingSize: seen.members, breaker: { deprovisions, threshold, active }, ...(skip ? { skipDeprovisions: skip } : {}) };
      // Progress of apply: departments, staged members, deprovisions (unchanged members need no step).
      const total = seen.departments + seen.staged + deprovisions;
      if (deprovisions > threshold) return { state: "needs_confirmation" as const, total, cursor };
      return { phase: "apply" as const, done: 0, total, cursor: { ...cursor, afterKey: "" } };
    },
  };
};
