// Closed-loop load generator: exactly `concurrency` requests in flight over a keep-alive
// node:http agent, each worker sending its next request when the previous one is answered.
import http from "node:http";
import { performance } from "node:perf_hooks";

export interface PreparedRequest {
  /** Path and query, e.g. "/wecom/bench/callback?msg_signature=…". */
  path: string;
  body: Buffer;
}

export interface LoadResult {
  /** Requests answered or failed (not counting ones never sent). */
  sent: number;
  /** Answered 200. */
  ok: number;
  /** Anything but a 200: other statuses, socket errors, timeouts. */
  failures: number;
  /** First few failures, for the report. */
  failureSamples: string[];
  /** Sequence numbers (the `n` given to `take`) of the requests answered 200. */
  okSeq: number[];
  /** Latency of every request in ms, in completion order. */
  latenciesMs: number[];
  elapsedMs: number;
}

export function keepAliveAgent(concurrency: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
}

function post(agent: http.Agent, port: number, r: PreparedRequest, timeoutMs: number): Promise<{ status: number; error?: string }> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: r.path,
        agent,
        headers: { "content-type": "text/xml", "content-length": r.body.length },
      },
      (res) => {
        res.resume();
        res.once("end", () => resolve({ status: res.statusCode ?? 0 }));
        res.once("error", (err) => resolve({ status: 0, error: err.message }));
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.once("error", (err) => resolve({ status: 0, error: err.message }));
    req.end(r.body);
  });
}

/**
 * Sends `take(0)`, `take(1)`, … until `take` returns undefined or `durationMs` has passed (requests
 * already in flight then still finish and count).
 */
export async function runLoad(o: {
  port: number;
  agent: http.Agent;
  concurrency: number;
  take: (n: number) => PreparedRequest | undefined;
  durationMs: number;
  timeoutMs?: number;
}): Promise<LoadResult> {
  const result: LoadResult = { sent: 0, ok: 0, failures: 0, failureSamples: [], okSeq: [], latenciesMs: [], elapsedMs: 0 };
  const timeoutMs = o.timeoutMs ?? 30_000;
  const start = performance.now();
  const deadline = start + o.durationMs;
  let next = 0;

  const worker = async (): Promise<void> => {
    for (;;) {
      if (performance.now() >= deadline) return;
      const n = next++;
      const r = o.take(n);
      if (r === undefined) return;
      const t0 = performance.now();
      const { status, error } = await post(o.agent, o.port, r, timeoutMs);
      result.latenciesMs.push(performance.now() - t0);
      result.sent++;
      if (status === 200) {
        result.ok++;
        result.okSeq.push(n);
      } else {
        result.failures++;
        if (result.failureSamples.length < 5) result.failureSamples.push(error ?? `HTTP ${status}`);
      }
    }
  };

  await Promise.all(Array.from({ length: o.concurrency }, worker));
  result.elapsedMs = performance.now() - start;
  return result;
}

export interface Summary {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  failures: number;
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

export function summarize(r: LoadResult): Summary {
  const sorted = Float64Array.from(r.latenciesMs).sort();
  return {
    requests: r.sent,
    rps: r.sent / (r.elapsedMs / 1000),
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    failures: r.failures,
  };
}
