export interface WecomRequest {
  method: "GET" | "POST";
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

export type TransportResult = { ok: true; json: Record<string, unknown> } | { ok: false; reason: string };

/** One HTTP request as the client needs it, free of any runtime's HTTP API. */
export interface HttpExchange {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface HttpAnswer {
  status: number;
  text: string;
}

/** Rejects with HttpTrouble on a timeout, a network error, or a connection reset while reading the body. */
export type HttpSend = (x: HttpExchange) => Promise<HttpAnswer>;

export type HttpTroubleReason = "timeout" | "network error" | "connection reset while reading";

export class HttpTrouble extends Error {
  constructor(readonly reason: HttpTroubleReason) {
    super(reason);
    this.name = "HttpTrouble";
  }
}

/** The portable transport (Workers, tests): a fetch, its timeout an AbortSignal. */
export function fetchSend(f: typeof fetch): HttpSend {
  return async (x) => {
    let res: Response;
    try {
      res = await f(x.url, { method: x.method, headers: x.headers, body: x.body, signal: AbortSignal.timeout(x.timeoutMs) });
    } catch (err) {
      const name = err instanceof Error ? err.name : "";
      throw new HttpTrouble(name === "TimeoutError" || name === "AbortError" ? "timeout" : "network error");
    }
    try {
      return { status: res.status, text: await res.text() };
    } catch {
      throw new HttpTrouble("connection reset while reading");
    }
  };
}

export interface TransportOptions {
  apiBase: string;
  send: HttpSend;
  timeoutMs: number;
}

/**
 * One HTTP exchange. WeCom answers 200 even on failure (docs/wecom.md#conventions), so anything else — 5xx, a
 * timeout, a reset, a body that is not whole JSON — is transport trouble the caller may retry.
 */
export async function sendOnce(o: TransportOptions, req: WecomRequest): Promise<TransportResult> {
  const url = new URL(`${o.apiBase}/cgi-bin/${req.path}`);
  for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  let answer: HttpAnswer;
  try {
    answer = await o.send({
      method: req.method,
      url: url.toString(),
      headers: req.body === undefined ? {} : { "content-type": "application/json" },
      ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
      timeoutMs: o.timeoutMs,
    });
  } catch (err) {
    // A send that breaks its contract is still a failed exchange, as any fetch throw was before.
    return { ok: false, reason: err instanceof HttpTrouble ? err.reason : "network error" };
  }
  if (answer.status !== 200) return { ok: false, reason: `HTTP ${answer.status}` };
  try {
    const json = JSON.parse(answer.text) as unknown;
    if (typeof json !== "object" || json === null || Array.isArray(json)) return { ok: false, reason: "not a JSON object" };
    return { ok: true, json: json as Record<string, unknown> };
  } catch {
    return { ok: false, reason: "truncated or invalid JSON" };
  }
}
