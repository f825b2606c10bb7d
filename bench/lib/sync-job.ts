// A sync job of the service, driven as a console would: POST, then a poll every 250 ms, and the
// contact-callback inbox watched until it has drained.
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { jsonRequest } from "./json-http";

const POLL_MS = 250;

export interface JobView {
  id: number;
  state: "queued" | "running" | "needs_confirmation" | "succeeded" | "failed" | "cancelled";
  progress: { phase: string; done: number; total: number };
  counts: {
    departments: { created: number; updated: number; moved: number; deleted: number };
    members: { created: number; updated: number; moved: number; deprovisioned: number };
  };
  partial: boolean;
  breaker?: unknown;
  error?: unknown;
  createdAt: string;
  finishedAt: string | null;
}

export interface InboxStats {
  received: number;
  processed: number;
  ignored: number;
  pending: number;
  dead: number;
}

export interface Api {
  svc: string;
  slug: string;
  token: string;
}

/** Seconds after the POST at which a poll first saw each phase. */
export type PhaseStarts = { phase: string; at: number }[];

export interface FinishedJob {
  job: JobView;
  /** From the POST to the poll that saw it finished. */
  seconds: number;
  /** createdAt → finishedAt, the job's own clock. */
  jobSeconds: number;
  phases: PhaseStarts;
}

export async function startSync(api: Api): Promise<{ job: JobView; t0: number }> {
  const t0 = performance.now();
  const { job } = await jsonRequest<{ job: JobView }>(api.svc, "POST", `/api/teams/${api.slug}/sync`, { token: api.token });
  return { job, t0 };
}

const finished = (j: JobView) => j.state !== "queued" && j.state !== "running";

export async function awaitJob(api: Api, started: { job: JobView; t0: number }, timeoutMs: number): Promise<FinishedJob> {
  let job = started.job;
  const phases: PhaseStarts = [];
  const note = () => {
    if (phases[phases.length - 1]?.phase !== job.progress.phase)
      phases.push({ phase: job.progress.phase, at: (performance.now() - started.t0) / 1000 });
  };
  note();
  while (!finished(job)) {
    if (performance.now() - started.t0 > timeoutMs)
      throw new Error(`sync job ${job.id} not done after ${timeoutMs / 1000} s: ${JSON.stringify(job.progress)}`);
    await sleep(POLL_MS);
    job = await jsonRequest<JobView>(api.svc, "GET", `/api/teams/${api.slug}/jobs/${job.id}`, { token: api.token });
    note();
  }
  const seconds = (performance.now() - started.t0) / 1000;
  const jobSeconds = job.finishedAt ? (Date.parse(job.finishedAt) - Date.parse(job.createdAt)) / 1000 : Number.NaN;
  return { job, seconds, jobSeconds, phases };
}

/** [from, to] seconds after the POST in which the polls saw `phase` (to: the next phase's first poll). */
export function phaseWindow(phases: PhaseStarts, end: number, phase: string): [number, number] | undefined {
  const i = phases.findIndex((p) => p.phase === phase);
  if (i < 0) return undefined;
  return [phases[i]?.at ?? 0, phases[i + 1]?.at ?? end];
}

export const inboxStats = (api: Api) =>
  jsonRequest<InboxStats>(api.svc, "GET", `/api/teams/${api.slug}/callbacks/stats`, { token: api.token });

/** Polls the inbox until nothing is pending; answers the last stats and when (performance.now()). */
export async function awaitDrained(api: Api, timeoutMs: number): Promise<{ stats: InboxStats; at: number; timedOut: boolean }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const stats = await inboxStats(api);
    const at = performance.now();
    if (stats.pending === 0) return { stats, at, timedOut: false };
    if (at > deadline) return { stats, at, timedOut: true };
    await sleep(POLL_MS);
  }
}
