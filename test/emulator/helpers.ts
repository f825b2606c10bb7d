// Helpers for the emulator's own tests: everything goes through emulator.fetch, as the
// service and other tests use it.
import { createEmulator, DEFAULT_APP_SECRET, DEFAULT_CORP_ID, type Emulator, type EmulatorOptions } from "../../src/emulator";

export class TestClock {
  constructor(public ms = Date.UTC(2026, 0, 5, 9, 0, 0)) {}
  now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

export function setup(opts: EmulatorOptions = {}): { emu: Emulator; clock: TestClock } {
  const clock = new TestClock();
  return { emu: createEmulator({ clock, ...opts }), clock };
}

export type Json = Record<string, unknown> & { errcode?: number; errmsg?: string };

/** A WeCom API call: path like "/cgi-bin/user/get?userid=x", token appended when given. */
export async function call(emu: Emulator, path: string, opts: { token?: string; body?: unknown; method?: string } = {}): Promise<Json> {
  const url = new URL(path, "https://qyapi.emulator.test");
  if (opts.token !== undefined) url.searchParams.set("access_token", opts.token);
  const res = await emu.fetch(url, {
    method: opts.method ?? (opts.body === undefined ? "GET" : "POST"),
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body), headers: { "content-type": "application/json" } }),
  });
  expectStatus(res, 200);
  return (await res.json()) as Json;
}

export async function token(emu: Emulator, secret = DEFAULT_APP_SECRET, corpId = DEFAULT_CORP_ID): Promise<string> {
  const r = await call(emu, `/cgi-bin/gettoken?corpid=${encodeURIComponent(corpId)}&corpsecret=${encodeURIComponent(secret)}`);
  if (r.errcode !== 0 || typeof r.access_token !== "string") throw new Error(`gettoken failed: ${JSON.stringify(r)}`);
  return r.access_token;
}

/** The control API; throws on a non-2xx answer unless `expect` names the status. */
export async function control<T = Json>(emu: Emulator, method: string, path: string, body?: unknown, expect?: number): Promise<T> {
  const res = await emu.fetch(path, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  const text = await res.text();
  if (expect !== undefined ? res.status !== expect : res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

function expectStatus(res: Response, status: number): void {
  if (res.status !== status) throw new Error(`HTTP ${res.status}, expected ${status}`);
}
