import type { JobRow } from "../../db/queries/sync-jobs";
import type { SyncCursor } from "./job-context";

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
  createdAt: string;
  finishedAt: string | null;
}

export function jobView(job: JobRow): JobView {
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
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}
