import type { Clock } from "../clock";
import type { Logger } from "../logger";
import { WecomApiError, WecomRetryableError } from "./api-error";
import { classifyErrcode } from "./errcodes";
import { acquire, type Budget } from "./limiter";
import { tokenManager, type HeldToken } from "./token-manager";
import { fetchSend, sendOnce, type HttpSend, type WecomRequest } from "./transport";
import { wecomApi, type WecomApi } from "./api";
import type { Caller, WecomCredentials } from "./caller";
import type { WecomStorage } from "./storage";

export type { Caller, WecomCredentials } from "./caller";

/**
 * Told of every HTTP exchange with WeCom and every token refresh, for the operator's counters.
 * `outcome`: WeCom's errcode as text ("0" for success), `http_<status>` or `transport` when no
 * JSON answer came back.
 */
export interface WecomObserver {
  wecomCall(p: { api: string; outcome: string }): void;
  tokenRefresh(p: { outcome: "ok" | "failed" }): void;
}

/** The service's door to WeCom; tests and the demo point it at the emulator. */
export interface WecomClient {
  for(creds: WecomCredentials): WecomApi;
}

export interface WecomClientOptions {
  /** The token and the call budget, shared by every instance (src/services/wecom-storage.ts). */
  storage: WecomStorage;
  clock: Clock;
  logger: Logger;
  apiBase: string;
  fetch?: typeof fetch;
  /** How an HTTP exchange is made; default: `fetch` (or the global fetch) through fetchSend. */
  send?: HttpSend;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  timeoutMs?: number;
  /** Attempts for transient failures (busy, rate limit, 5xx, timeouts) before giving up. */
  maxAttempts?: number;
  budget?: Budget;
  observer?: WecomObserver;
}

/** Half of WeCom's per-API, per-corp allowance (docs/wecom.md#rate-limits). */
export const DEFAULT_BUDGET: Budget = { perMinute: 5_000, perHour: 75_000 };

/** A transport failure as a bounded label: the HTTP status when there was one. */
const transportOutcome = (reason: string): string => {
  const m = /^HTTP (\d{3})$/.exec(reason);
  return m ? `http_${m[1]}` : "transport";
};

const errmsgOf = (json: Record<string, unknown>): string => (typeof json.errmsg === "string" ? json.errmsg : "");

export function createWecomClient(o: WecomClientOptions): WecomClient {
  const transport = { apiBase: o.apiBase, send: o.send ?? fetchSend(o.fetch ?? globalThis.fetch), timeoutMs: o.timeoutMs ?? 10_000 };
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = o.random ?? Math.random;
  const maxAttempts = o.maxAttempts ?? 5;
  const budget = o.budget ?? DEFAULT_BUDGET;
  const inFlight = new Map<string, Promise<string>>();
  const held = new Map<string, HeldToken>();
  const reserved = new Map<string, { minute: number; left: number }>();

  /** Exponential back-off with full jitter; 45009 waits for the next minute window (docs/wecom.md#rate-limits). */
  const backoff = (attempt: number, errcode?: number) => {
    if (errcode === 45009) return 60_000 - (o.clock.now().getTime() % 60_000) + 1_000;
    return Math.round(Math.min(30_000, 500 * 2 ** (attempt - 1)) * (0.5 + random() / 2));
  };

  /** Sends with bounded retries for transient trouble; answers the JSON or throws a typed error. */
  async function withRetries(api: string, req: WecomRequest): Promise<Record<string, unknown>> {
    for (let attempt = 1; ; attempt++) {
      const res = await sendOnce(transport, req);
      const errcode = res.ok ? Number(res.json.errcode ?? 0) : undefined;
      o.observer?.wecomCall({ api, outcome: res.ok ? String(errcode) : transportOutcome(res.reason) });
      if (res.ok && errcode === 0) return res.json;
      if (res.ok && classifyErrcode(errcode!) !== "transient") return res.json;
      const reason = res.ok ? errmsgOf(res.json) : res.reason;
      if (attempt >= maxAttempts) throw new WecomRetryableError(api, reason, errcode);
      o.logger.warn("wecom call retrying", { api, attempt, reason, errcode });
      await sleep(backoff(attempt, errcode));
    }
  }

  const fetchToken = async (creds: WecomCredentials) => {
    try {
      const got = await requestToken(creds);
      o.observer?.tokenRefresh({ outcome: "ok" });
      return got;
    } catch (err) {
      o.observer?.tokenRefresh({ outcome: "failed" });
      throw err;
    }
  };

  const requestToken = async (creds: WecomCredentials) => {
    const json = await withRetries("gettoken", {
      method: "GET",
      path: "gettoken",
      query: { corpid: creds.corpId, corpsecret: creds.secret },
    });
    const errcode = Number(json.errcode ?? 0);
    if (errcode !== 0) throw new WecomApiError("gettoken", errcode, errmsgOf(json));
    if (typeof json.access_token !== "string") throw new WecomRetryableError("gettoken", "no access_token in answer");
    return { accessToken: json.access_token, expiresIn: Number(json.expires_in ?? 7200) };
  };

  const onWait = (api: string, ms: number, window: "minute" | "hour") =>
    o.logger.info("wecom budget spent, waiting for the next window", { api, waitMs: ms, window });

  return {
    for(creds) {
      const tokens = tokenManager(
        { tokens: o.storage.tokens, sealer: o.storage.sealer, clock: o.clock, fetchToken },
        creds,
        inFlight,
        held,
      );
      const call: Caller = async <T extends object>(api: string, req: Omit<WecomRequest, "path">) => {
        // A token error gets one refresh and one retry (docs/wecom.md#access-token); 40001 outside gettoken likewise, once.
        for (let tokenRetry = 0; ; tokenRetry++) {
          const token = await tokens.get();
          await acquire({ rates: o.storage.rates, clock: o.clock, sleep, budget, reserved, onWait }, creds.corpId, api);
          const json = await withRetries(api, { ...req, path: api, query: { ...req.query, access_token: token } });
          const errcode = Number(json.errcode ?? 0);
          if (errcode === 0) return json as T;
          if ((classifyErrcode(errcode) === "token" || errcode === 40001) && tokenRetry === 0) {
            o.logger.info("wecom token rejected, refreshing", { api, errcode });
            await tokens.invalidate(token);
            continue;
          }
          throw new WecomApiError(api, errcode, errmsgOf(json));
        }
      };
      return wecomApi(creds, call, () => tokens.get());
    },
  };
}
