import type { WecomObserver } from "./wecom/client";

/** Counts read from the database at the moment they are asked for: the same on every instance and runtime. */
export interface OpsStats {
  /** When they were read (ISO 8601). */
  at: string;
  teams: TeamStats[];
  /** Calls spent in the current minute and hour window, per corp and API, against our own budget. */
  wecomBudget: { corpId: string; api: string; window: "minute" | "hour"; calls: number; limit: number }[];
}

export interface TeamStats {
  slug: string;
  /** Inbox rows by status: every stored callback is one row (received = their sum). */
  callbacks: Record<string, number>;
  /** Age of the oldest callback not handled yet (pending or processing), or null when none waits. */
  inboxOldestPendingSeconds: number | null;
  members: Record<string, number>;
  jobs: Record<string, number>;
}

/**
 * What the running process counts as it works. The entry chooses the implementation: Node keeps
 * a prom-client registry (src/entry/prom-metrics.ts); a Worker has no process to hold counters
 * between invocations, so it keeps none and offers the database counts (OpsStats) instead.
 */
export interface Metrics extends WecomObserver {
  httpRequest(p: { method: string; route: string; status: number; seconds: number }): void;
  /** A verified callback stored (`stored`) or recognised as a repeat (`duplicate`). */
  callbackReceived(p: { team: string; outcome: "stored" | "duplicate" }): void;
  /** A callback refused before storing, by error code (no team: the slug of a refused request is the caller's word). */
  callbackRejected(p: { code: string }): void;
  /** A job left `running` in this runner: succeeded, failed, cancelled or needs_confirmation. */
  syncJobFinished(p: { outcome: string; seconds: number }): void;
  /** An attempt to deliver a webhook: delivered, to be retried, or failed for good. */
  webhookDelivery?(p: { outcome: "delivered" | "retry" | "failed" }): void;
  /** Prometheus text of the counters and of `stats` as gauges; absent where nothing is kept (Workers). */
  render?(stats: OpsStats): Promise<{ contentType: string; body: string }>;
}

export const noMetrics: Metrics = {
  httpRequest() {},
  callbackReceived() {},
  callbackRejected() {},
  syncJobFinished() {},
  wecomCall() {},
  tokenRefresh() {},
};
