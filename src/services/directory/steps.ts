import type { JobUpdate } from "../../db/queries/sync-jobs";
import type { Db } from "../../db/types";
import type { JobContext } from "./job-context";

/**
 * One bounded step of a job: WeCom reads happen first (outside any transaction), then `write`
 * and the job's new cursor commit together, so a crash repeats at most this step — and every
 * write in it is idempotent (upserts, keyed updates).
 */
export interface StepOutcome {
  write?: (tx: Db) => Promise<void>;
  /** Read after `write` ran, so it may depend on what the write found. */
  set: JobUpdate;
}

export type Step = (ctx: JobContext) => Promise<StepOutcome>;

/** Runs `fn` over `items` with at most `limit` in flight (WeCom: ≤ 5 per API, docs/wecom.md#rate-limits). */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
