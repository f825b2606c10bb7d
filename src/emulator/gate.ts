// Runs before every WeCom API and OAuth page: records the call, applies queued faults
// (faults.ts), then the per-API rate limit (45009, docs/wecom.md#rate-limits).
import type { MiddlewareHandler } from "hono";
import { errorBody } from "./errors";
import { BAD_JSON, type EmuEnv } from "./hono-env";
import { fail } from "./respond";
import type { EmulatorState } from "./state";
import type { Fault } from "./types";

/** Marks a response that stands for "connection reset"; emulator.fetch and listen() act on it. */
export const RESET_HEADER = "x-emulator-reset";

/** "/cgi-bin/user/list" → "user/list"; OAuth pages keep their path ("connect/oauth2/authorize"). */
export function apiName(path: string): string {
  return path
    .replace(/^\/cgi-bin\//, "")
    .replace(/^\//, "")
    .replace(/\/+$/, "");
}

export function gate(state: EmulatorState): MiddlewareHandler<EmuEnv> {
  return async (c, next) => {
    const api = apiName(c.req.path);
    let parsed: unknown;
    let logged: unknown;
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      const text = await c.req.text();
      if (text !== "") {
        try {
          parsed = logged = JSON.parse(text) as unknown;
        } catch {
          parsed = BAD_JSON;
          logged = text;
        }
      }
    }
    c.set("body", parsed);
    const call = state.calls.record({
      api,
      at: state.clock.now().toISOString(),
      method: c.req.method,
      query: c.req.query(),
      ...(logged === undefined ? {} : { body: logged }),
    });
    c.set("call", call);

    const fault = state.faults.take(api);
    if (fault) {
      call.fault = describe(fault);
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault.reset) return new Response(null, { status: 500, headers: { [RESET_HEADER]: "1" } });
      if (fault.errcode !== undefined || fault.http !== undefined) {
        let res: Response;
        if (fault.errcode !== undefined) {
          call.errcode = fault.errcode;
          res = Response.json(errorBody(fault.errcode, fault.errmsg), { status: fault.http ?? 200 });
        } else {
          res = new Response(
            `<html><head><title>${fault.http} Error</title></head><body><center><h1>${fault.http} Error</h1></center><hr><center>stgw</center></body></html>`,
            {
              status: fault.http,
              headers: { "content-type": "text/html" },
            },
          );
        }
        return fault.truncate ? truncate(res) : res;
      }
    }
    if (!state.rateLimits.admit(api, state.nowMs())) return fail(c, 45009);
    await next();
    if (fault?.truncate) c.res = await truncate(c.res);
  };
}

async function truncate(res: Response): Promise<Response> {
  const text = await res.text();
  const headers = new Headers(res.headers);
  headers.delete("content-length");
  return new Response(text.slice(0, Math.floor(text.length / 2)), { status: res.status, headers });
}

function describe(f: Fault): string {
  const parts = [
    f.errcode !== undefined ? `errcode ${f.errcode}` : "",
    f.http !== undefined ? `http ${f.http}` : "",
    f.truncate ? "truncate" : "",
    f.reset ? "reset" : "",
    f.delayMs ? `delay ${f.delayMs}ms` : "",
  ];
  return parts.filter((p) => p !== "").join(", ");
}
