import type { JobRow } from "../../db/queries/sync-jobs";
import type { SyncCursor } from "./job-context";
import type { JobEstimate } from "./job-estimate";

export type { JobCounts, JobPhase, JobState } from "../../db/schema";

export interface JobView {
  id: number;
  state: JobRow["state"];
  initiator: JobRow["initiator"];
  progress: { phase: JobRow["phase"]; done: number; total: number };
  counts: JobRow["counts"];
  partial: boolean;
  breaker?: SyncCursor["breaker"];
  skippedDeprovisions?: string;
  error?: NonNullable<JobRow["error"]>;
  /** While the members phase runs: how long it still needs (docs/sync.md#how-long-an-import-takes). */
  estimate?: JobEstimate;
  createdAt: string;
  finishedAt: string | null;
}

export function jobView(job: JobRow, estimate?: JobEstimate): JobView {
  const cursor = job.cursor as SyncCursor;
  return {
    id: job.id,
    state: job.state,
    initiator: job.initiator,
    progress: { phase: job.phase, done: job.done, total: job.total },
    counts: job.counts,
    partial: job.partial,
    ...(cursor.breaker ? { breaker: cursor.breaker } : {}),
    ...(cursor.skipDeprovisions ? { skippedDeprovisions: cursor.skipDeprovisions } : {}),
    ...(job.error ? { error: job.error } : {}),
    ...(estimate ? { estimate } : {}),
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}
