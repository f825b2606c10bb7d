import type { Clock } from "./clock";
import type { Config } from "./config";
import type { JobRow } from "./db/queries/sync-jobs";
import type { Db } from "./db/types";
import type { Logger } from "./logger";
import type { Metrics } from "./metrics";
import type { SecretBox } from "./security/secret-box";
import type { WecomClient } from "./wecom/client";
import type { WecomMessage } from "./wecom/messages";
import type { HttpSend } from "./wecom/transport";

export { systemClock, type Clock } from "./clock";

/** Runs work after the response (waitUntil on Workers); the entry drains it on shutdown. */
export type Defer = (task: () => Promise<unknown>) => void;

/**
 * How much work this invocation may still do. Workers cap CPU time and subrequests per invocation:
 * sync jobs stop between steps and the inbox between batches once it is exhausted, and the next
 * invocation resumes them from the saved cursor (docs/sync.md#job-steps). Node's is spent when the process is
 * stopping.
 */
export interface InvocationBudget {
  exhausted(): boolean;
}

/**
 * Repeats work on an interval until stopped: the heartbeats that renew leases while their holder
 * works. The entry supplies real timers (src/entry/ticker.ts); tests a fake they move by hand.
 * `fn` may return a promise: the real ticker does not wait for it, a fake one does.
 */
export interface Ticker {
  every(ms: number, fn: () => void | Promise<void>): () => void;
}

/**
 * A hostname's addresses (IPv4 dotted, IPv6 as text), for judging webhook URLs
 * (docs/webhooks.md#private-addresses). Node asks the system resolver; Workers ask DNS over HTTPS.
 * Throws when the name does not resolve.
 */
export type ResolveHost = (hostname: string) => Promise<string[]>;

/** Where the process is in its life: the entry turns `stopping` on at SIGTERM, before it drains. */
export interface Lifecycle {
  stopping(): boolean;
}

/**
 * What services tell the transports above them without importing them (docs/architecture.md#imports):
 * the entry wires the admin bot in (src/bot/hooks.ts).
 */
export interface Hooks {
  /**
   * A job moved: after each step of its runner, and when it is cancelled outside the runner. Logs its
   * own failures and never throws, so a report never fails the job.
   */
  jobEvent(deps: Deps, job: JobRow): Promise<void>;
  /** A webhook endpoint was disabled after failing for a day (docs/webhooks.md#disabling). */
  endpointDisabled(deps: Deps, endpointId: string): Promise<void>;
}

/** Everything the app needs, built by an entry file and passed as `app.fetch(req, { deps })`. */
export interface Deps {
  config: Config;
  db: Db;
  secrets: SecretBox;
  clock: Clock;
  logger: Logger;
  defer: Defer;
  wecom: WecomClient;
  callbackHandlers: HandlerTable;
  hooks: Hooks;
  budget?: InvocationBudget;
  /** Without one, leases are not renewed: a holder keeps them only as long as their first term. */
  ticker?: Ticker;
  /** Without one, the process is never stopping (tests, a Worker's invocation). */
  lifecycle?: Lifecycle;
  /** The process's counters (Node: prom-client); without one nothing is counted in memory. */
  metrics?: Metrics;
  /**
   * Inbox rows about different subjects handled side by side (default 3, within a Worker's pool of
   * 3 connections). Node gives 5, as many WeCom calls as an import keeps in flight: after an import
   * the hints it parked are each a user/get, and their re-reads wait on WeCom, not on the database.
   */
  inboxLanes?: number;
  /** How webhooks are sent: node:http on Node (src/entry/node-http-send.ts); without one, the global fetch. */
  webhookSend?: HttpSend;
  /** Where webhook hostnames point, checked when an endpoint is added and before each delivery. */
  resolveHost: ResolveHost;
}

export interface AppEnv {
  /**
   * `clientAddress`: the peer's IP as the entry knows it (Node: the socket; Workers:
   * CF-Connecting-IP); absent in tests through app.request. Used only to throttle logins.
   */
  Bindings: { deps: Deps; clientAddress?: string | undefined };
}

/**
 * A callback handler's answer: "ignored" = understood and deliberately not acted on; "waiting" =
 * parked until the team's first import has finished (docs/observations.md); a thrown error means
 * retry. The handler types live here, beside the Deps they take, so that the table
 * (callbacks/handler-table.ts) and Deps do not import each other.
 */
export type HandlerOutcome = "processed" | "ignored" | "waiting";

export interface CallbackContext {
  teamId: number;
  inboxId: number;
  message: WecomMessage;
}

export type CallbackHandler = (deps: Deps, ctx: CallbackContext) => Promise<HandlerOutcome>;

/** Keyed by `handlerKey(message)`: "text", "event:change_contact", "event:template_card_event", … */
export type HandlerTable = Readonly<Record<string, CallbackHandler>>;
