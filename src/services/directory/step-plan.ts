import { readPolicy } from "../../db/queries/policies";
import { analyzeSeen, countSeen } from "../../db/queries/sync-seen";
import { untrustedListing } from "./breaker";
import type { Step } from "./steps";

/**
 * Decides whether this run's listing can be trusted to deprovision anyone (docs/sync.md#brakes), then hands
 * over to verify, which confirms each missing member before it is staged.
 */
export const planStep: Step = async (ctx) => {
  const db = ctx.deps.db;
  const seen = await countSeen(db, { jobId: ctx.job.id });
  const policy = await readPolicy(db, { teamId: ctx.teamId });
  const skip = untrustedListing({ partial: ctx.job.partial, seenMembers: seen.members, lastGoodListingSize: policy.lastGoodListingSize });
  return {
    write: (tx) => analyzeSeen(tx),
    set: {
      phase: "verify",
      done: 0,
      cursor: { ...ctx.cursor, listingSize: seen.members, verifyAfterKey: "", ...(skip ? { skipDeprovisions: skip } : {}) },
    },
  };
};
