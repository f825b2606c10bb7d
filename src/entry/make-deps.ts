import { botHooks } from "../bot/hooks";
import { defaultCallbackHandlers } from "../callbacks/handlers";
import type { Config } from "../config";
import type { Db } from "../db/types";
import {
  systemClock,
  type Clock,
  type Defer,
  type Deps,
  type InvocationBudget,
  type Lifecycle,
  type ResolveHost,
  type Ticker,
} from "../deps";
import type { Logger } from "../logger";
import type { Metrics } from "../metrics";
import { createSecretBox } from "../security/secret-box";
import { createWecomClient, type WecomClient } from "../wecom/client";
import { wecomStorage } from "../services/wecom-storage";
import type { HttpSend } from "../wecom/transport";
import { intervalTicker } from "./ticker";

export interface DepsParts {
  config: Config;
  db: Db;
  logger: Logger;
  defer: Defer;
  clock?: Clock;
  /** The entry's view of the WeCom client, e.g. Workers' relay hint for 60020 (worker-egress.ts). */
  wrapWecom?: (client: WecomClient) => WecomClient;
  /** How WeCom is reached (default: the global fetch); Workers count subrequests through it. */
  wecomFetch?: typeof fetch;
  /** A leaner transport than fetch where the runtime has one (node-http-send.ts); wins over wecomFetch. */
  wecomSend?: HttpSend;
  /** How webhooks are sent (default: the global fetch); node.ts passes its node:http sender. */
  webhookSend?: HttpSend;
  budget?: InvocationBudget;
  inboxLanes?: number;
  /** Drives lease heartbeats (default: real timers). */
  ticker?: Ticker;
  lifecycle?: Lifecycle;
  /** Also observes the WeCom client's calls and token refreshes. */
  metrics?: Metrics;
  /** The runtime's DNS: node-dns.ts, worker-dns.ts. */
  resolveHost: ResolveHost;
}

/** The one Deps construction the runtime entries share; only db, logger and defer differ between them. */
export function makeDeps(p: DepsParts): Deps {
  const clock = p.clock ?? systemClock;
  const secrets = createSecretBox(p.config.appSecret);
  const client = createWecomClient({
    storage: wecomStorage(p.db, secrets),
    clock,
    logger: p.logger,
    apiBase: p.config.wecomApiBase,
    budget: p.config.wecomBudget,
    ...(p.metrics ? { observer: p.metrics } : {}),
    ...(p.wecomFetch ? { fetch: p.wecomFetch } : {}),
    ...(p.wecomSend ? { send: p.wecomSend } : {}),
  });
  return {
    config: p.config,
    db: p.db,
    secrets,
    clock,
    logger: p.logger,
    defer: p.defer,
    wecom: p.wrapWecom ? p.wrapWecom(client) : client,
    callbackHandlers: defaultCallbackHandlers,
    hooks: botHooks,
    resolveHost: p.resolveHost,
    ticker: p.ticker ?? intervalTicker,
    ...(p.budget ? { budget: p.budget } : {}),
    ...(p.lifecycle ? { lifecycle: p.lifecycle } : {}),
    ...(p.metrics ? { metrics: p.metrics } : {}),
    ...(p.webhookSend ? { webhookSend: p.webhookSend } : {}),
    ...(p.inboxLanes ? { inboxLanes: p.inboxLanes } : {}),
  };
}
