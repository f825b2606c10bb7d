// A local WeCom (企业微信) emulator: the API subset of docs/wecom.md with
// the same JSON shapes and errcodes, OAuth pages, real signed+encrypted callback pushes, and
// a control API under /_emulator for tests and demos (faults, rate limits, org changes,
// chat, card clicks, inbox). Use in-process (`emulator.fetch`) or over HTTP (`listen`).
import { serve, type Http2Bindings, type HttpBindings } from "@hono/node-server";
import type { Server } from "node:http";
import type { Hono } from "hono";
import type { AppInput } from "./apps";
import { buildApp } from "./app";
import { RESET_HEADER } from "./gate";
import type { EmuEnv } from "./hono-env";
import type { Org } from "./org/org";
import { EmulatorState } from "./state";
import type { CallbackTarget, Clock, ContactSyncConfig, OrgSpec } from "./types";

export interface EmulatorOptions {
  clock?: Clock;
  corpId?: string;
  /** A spec, or a prebuilt Org (e.g. one generateOrg result shared by benchmarks). */
  org?: OrgSpec | Org;
  /** Pushes callbacks to the service; default: the global fetch at call time. */
  fetchCallback?: typeof fetch;
  apps?: AppInput[];
  /** null = no contact-sync secret; default: DEFAULT_SYNC_SECRET from a new IP. */
  contactSync?: Partial<ContactSyncConfig> | null;
  tokenTtlSeconds?: number;
  callback?: CallbackTarget;
}

export interface Emulator {
  app: Hono<EmuEnv>;
  state: EmulatorState;
  /** In-process: routes the request to app.fetch, no port. Relative URLs are allowed. */
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Serves over HTTP on 127.0.0.1 (or `hostname`); port 0 or omitted = any free port. */
  listen(port?: number, hostname?: string): Promise<{ url: string; close(): Promise<void> }>;
}

const IN_PROCESS_BASE = "http://wecom-emulator.local";

export function createEmulator(opts: EmulatorOptions = {}): Emulator {
  const clock = opts.clock ?? { now: () => new Date() };
  const fetchCallback = opts.fetchCallback ?? ((input, init) => globalThis.fetch(input, init));
  const state = new EmulatorState(clock, fetchCallback, {
    ...(opts.corpId === undefined ? {} : { corpId: opts.corpId }),
    ...(opts.org === undefined ? {} : { org: opts.org }),
    ...(opts.apps === undefined ? {} : { apps: opts.apps }),
    ...(opts.contactSync === undefined ? {} : { contactSync: opts.contactSync }),
    ...(opts.tokenTtlSeconds === undefined ? {} : { tokenTtlSeconds: opts.tokenTtlSeconds }),
    ...(opts.callback === undefined ? {} : { callback: opts.callback }),
  });
  const app = buildApp(state);

  const fetchInProcess = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const req = input instanceof Request ? new Request(input, init) : new Request(new URL(input.toString(), IN_PROCESS_BASE), init);
    const signal = req.signal;
    signal.throwIfAborted();
    const pending = Promise.resolve(app.fetch(req));
    // Honour the caller's abort/timeout like undici would, e.g. against a delayMs fault.
    const res = await new Promise<Response>((resolve, reject) => {
      const onAbort = () => reject(signal.reason as Error);
      signal.addEventListener("abort", onAbort, { once: true });
      pending.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
    if (res.headers.has(RESET_HEADER)) {
      // What undici throws when the server drops the connection.
      throw new TypeError("fetch failed", { cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }) });
    }
    return res;
  };

  const listen = async (port = 0, hostname = "127.0.0.1"): Promise<{ url: string; close(): Promise<void> }> => {
    const server = serve({
      fetch: async (req: Request, env: HttpBindings | Http2Bindings) => {
        const res = await app.fetch(req, env);
        if (res.headers.has(RESET_HEADER)) env.incoming.socket.destroy();
        return res;
      },
      port,
      hostname,
    }) as Server;
    await new Promise<void>((resolve, reject) => {
      if (server.listening) resolve();
      else {
        server.once("listening", () => resolve());
        server.once("error", reject);
      }
    });
    const address = server.address();
    const actual = typeof address === "object" && address ? address.port : port;
    return {
      url: `http://${hostname === "0.0.0.0" || hostname === "::" ? "127.0.0.1" : hostname}:${actual}`,
      close: () =>
        new Promise<void>((resolve, reject) => {
          server.close((err) => (err ? reject(err) : resolve()));
          server.closeAllConnections();
        }),
    };
  };

  return { app, state, fetch: fetchInProcess, listen };
}

export { EmulatorState } from "./state";
export type { CallbackRecord, InboxMessage, ResetInput } from "./state";
export type { CallRecord } from "./call-log";
export { generateOrg } from "./org/generate-org";
export { loadOrg, buildOrg } from "./org/load-org";
export { Org } from "./org/org";
export { restoreHistory, snapshotOrg, takeSnapshot, type EmulatorSnapshot } from "./snapshot";
export * from "./defaults";
export type { AppInput } from "./apps";
export type {
  AppConfig,
  CallbackTarget,
  Clock,
  ContactSyncConfig,
  Department,
  Fault,
  GenerateSpec,
  OrgSpec,
  User,
  UserStatus,
} from "./types";
