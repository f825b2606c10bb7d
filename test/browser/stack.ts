// The service and the WeCom emulator on real localhost ports, wired like src/entry/demo.ts, for a real browser.
import type { AddressInfo } from "node:net";
import { serve, type Http2Bindings, type HttpBindings } from "@hono/node-server";
import { createApp } from "../../src/app";
import { botHooks } from "../../src/bot/hooks";
import { defaultCallbackHandlers } from "../../src/callbacks/handlers";
import { parseConfig } from "../../src/config";
import { systemClock, type Deps } from "../../src/deps";
import { createEmulator, DEFAULT_AGENT_ID, DEFAULT_APP_SECRET, DEFAULT_CORP_ID } from "../../src/emulator";
import { deferQueue } from "../../src/entry/deferred";
import { createSecretBox } from "../../src/security/secret-box";
import { createWecomClient } from "../../src/wecom/client";
import { wecomStorage } from "../../src/services/wecom-storage";
import { fakeDns, memoryLogger, TEST_ENV } from "../helpers/deps";
import { openTestDb } from "../helpers/test-db";

export const APP_CREDENTIALS = {
  corpId: DEFAULT_CORP_ID,
  agentId: String(DEFAULT_AGENT_ID),
  secret: DEFAULT_APP_SECRET,
  token: "BrowserToken123",
  encodingAesKey: "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
};

export interface Stack {
  baseUrl: string;
  emulatorUrl: string;
  deps: Deps;
  /** The service's API as the operator (ADMIN_TOKEN). */
  operator(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** The emulator's control API. */
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

async function call(
  url: string,
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

export async function startStack(org = { departments: 6, users: 30, seed: 11 }): Promise<Stack> {
  const opened = await openTestDb();
  const emulator = createEmulator({ org: { generate: org } });
  const wecom = await emulator.listen(0);
  const logger = memoryLogger();
  const { defer, drain } = deferQueue(logger);
  const app = createApp();
  // The config needs the port, which exists only once the server listens.
  const wired: { deps?: Deps } = {};
  const server = serve({
    fetch: (req, env: HttpBindings | Http2Bindings) =>
      app.fetch(req, { deps: wired.deps!, clientAddress: env.incoming.socket.remoteAddress }),
    port: 0,
    hostname: "127.0.0.1",
  });
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once("listening", () => resolve())));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = parseConfig({
    ...TEST_ENV,
    PUBLIC_URL: baseUrl,
    WECOM_API_BASE: wecom.url,
    WECOM_OAUTH_BASE: wecom.url,
    WECOM_LOGIN_BASE: wecom.url,
  });
  const secrets = createSecretBox(config.appSecret);
  const deps: Deps = {
    config: { ...config, passwordScryptN: 2 ** 10 },
    db: opened.db,
    secrets,
    clock: systemClock,
    logger,
    defer,
    wecom: createWecomClient({
      storage: wecomStorage(opened.db, secrets),
      clock: systemClock,
      logger,
      apiBase: config.wecomApiBase,
      budget: config.wecomBudget,
    }),
    callbackHandlers: defaultCallbackHandlers,
    hooks: botHooks,
    resolveHost: fakeDns({ "hooks.example.com": ["203.0.113.10"] }),
  };
  wired.deps = deps;
  return {
    baseUrl,
    emulatorUrl: wecom.url,
    deps,
    operator: (method, path, body) => call(`${baseUrl}${path}`, method, body, { authorization: `Bearer ${TEST_ENV.ADMIN_TOKEN}` }),
    control: async (method, path, body) => {
      const res = await call(`${wecom.url}/_emulator${path}`, method, body);
      if (res.status >= 300) throw new Error(`emulator ${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await drain();
      await wecom.close();
      await opened.close();
    },
  };
}
