export interface WecomRequest {
  method: "GET" | "POST";
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

export type TransportResult = { ok: true; json: Record<string, unknown> } | { ok: false; reason: string };

export interface TransportOptions {
  apiBase: string;
  fetch: typeof fetch;
  timeoutMs: number;
}

/**
 * One HTTP exchange. WeCom answers 200 even on failure (§ Conventions), so anything else — 5xx, a
 * timeout, a reset, a body that is not whole JSON — is transport trouble the caller may retry.
 */
export async function sendOnce(o: TransportOptions, req: WecomRequest): Promise<TransportResult> {
  const url = new URL(`${o.apiBase}/cgi-bin/${req.path}`);
  for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  let res: Response;
  try {
    res = await o.fetch(url, {
      method: req.method,
      headers: req.body === undefined ? {} : { "content-type": "application/json" },
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal: AbortSignal.timeout(o.timeoutMs),
    });
  } catch (err) {
    const name = err instanceof Error ? err.name : "";
    return { ok: false, reason: name === "TimeoutError" || name === "AbortError" ? "timeout" : "network error" };
  }
  let text: string;
  try {
    text = await res.text();
  } catch {
    return { ok: false, reason: "connection reset while reading" };
  }
  if (res.status !== 200) return { ok: false, reason: `HTTP ${res.status}` };
  try {
    const json = JSON.parse(text) as unknown;
    if (typeof json !== "object" || json === null || Array.isArray(json)) return { ok: false, reason: "not a JSON object" };
    return { ok: true, json: json as Record<string, unknown> };
  } catch {
    return { ok: false, reason: "truncated or invalid JSON" };
  }
}
