import type { HandlerTable } from "../../src/callbacks/handler-table";
import { botHooks } from "../../src/bot/hooks";
import { defaultCallbackHandlers } from "../../src/callbacks/handlers";
import { parseConfig, type Config } from "../../src/config";
import type { Clock, Deps, ResolveHost, Ticker } from "../../src/deps";
import type { Db } from "../../src/db/types";
import type { Logger } from "../../src/logger";
import type { Metrics } from "../../src/metrics";
import { createApp } from "../../src/app";
import { createEmulator, type Emulator } from "../../src/emulator";
import { createSecretBox } from "../../src/security/secret-box";
import { createWecomClient } from "../../src/wecom/client";
import { wecomStorage } from "../../src/services/wecom-storage";

export const TEST_ENV = {
  APP_SECRET: "test-app-secret-0123456789abcdefghijkl",
  ADMIN_TOKEN: "test-admin-token-0123456789",
  PUBLIC_URL: "https://roster.example.com",
};

export class FakeClock implements Clock {
  constructor(private ms: number = Date.UTC(2026, 10, 25, 12, 0, 0)) {}
  now(): Date {
    return new Date(this.ms);
  }
  set(date: Date | number): void {
    this.ms = typeof date === "number" ? date : date.getTime();
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  unixSeconds(): string {
    return String(Math.floor(this.ms / 1000));
  }
}

/**
 * Timers that fire only when a test moves time on with `pass(ms)`: each due callback runs at its
 * time (the clock is set to it first) and is awaited before the next, so a heartbeat's renewal has
 * landed when pass returns. Tickers of two "instances" may share one clock; each fires only its own.
 */
export class FakeTicker implements Ticker {
  private timers = new Set<{ ms: number; due: number; fn: () => void | Promise<void> }>();
  constructor(readonly clock: FakeClock) {}

  every(ms: number, fn: () => void | Promise<void>): () => void {
    const timer = { ms, due: this.clock.now().getTime() + ms, fn };
    this.timers.add(timer);
    return () => void this.timers.delete(timer);
  }

  /** Timers running now (heartbeats of work in progress). */
  get active(): number {
    return this.timers.size;
  }

  /** Advances the clock by `ms`, firing every callback that falls due on the way, in time order. */
  async pass(ms: number): Promise<void> {
    const until = this.clock.now().getTime() + ms;
    for (;;) {
      let next: { ms: number; due: number; fn: () => void | Promise<void> } | undefined;
      for (const t of this.timers) if (t.due <= until && (!next || t.due < next.due)) next = t;
      if (!next) break;
      // The clock may have moved on by itself meanwhile (another ticker, a back-off): never back.
      if (next.due > this.clock.now().getTime()) this.clock.set(next.due);
      next.due += next.ms;
      await next.fn();
    }
    if (until > this.clock.now().getTime()) this.clock.set(until);
  }
}

export interface LogLine {
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
}

/** Keeps log lines so tests can assert what was (and was not) logged. */
export function memoryLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, fields });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** Deferred tasks wait until the test flushes them, so a test can also "crash" by never flushing. */
export function manualDefer() {
  const queue: (() => Promise<unknown>)[] = [];
  return {
    queue,
    defer: (task: () => Promise<unknown>) => void queue.push(task),
    async flush(): Promise<void> {
      while (queue.length > 0) await queue.shift()!();
    },
  };
}

export type TestDeps = Deps & {
  clock: FakeClock;
  logger: ReturnType<typeof memoryLogger>;
  deferred: ReturnType<typeof manualDefer>;
  /** The WeCom this deps talks to, in-process. */
  emulator: Emulator;
  /** Every back-off the WeCom client slept; the sleep only advances the fake clock. */
  sleeps: number[];
  /** Drives this deps' heartbeats; nothing renews a lease until a test calls `ticker.pass`. */
  ticker: FakeTicker;
};

/**
 * DNS as a table: each name answers its addresses, any other name fails as an unknown host would.
 * `set` repoints a name (DNS rebinding); `asked` lists the names looked up.
 */
export function fakeDns(
  records: Record<string, string[]> = {},
): ResolveHost & { set: (name: string, addresses: string[]) => void; asked: string[] } {
  const table = new Map(Object.entries(records));
  const asked: string[] = [];
  const resolve = (name: string) => {
    asked.push(name);
    const found = table.get(name.toLowerCase());
    return found ? Promise.resolve([...found]) : Promise.reject(new Error(`getaddrinfo ENOTFOUND ${name}`));
  };
  return Object.assign(resolve, { set: (name: string, addresses: string[]) => void table.set(name.toLowerCase(), addresses), asked });
}

/** The corp of test/helpers/api.ts BINDING (the official Python sample's CorpID). */
export const TEST_CORP_ID = "ww1436e0e65a779aee";

export function testDeps(
  db: Db,
  opts: {
    handlers?: HandlerTable;
    env?: Record<string, string>;
    config?: Partial<Config>;
    emulator?: Emulator;
    clock?: FakeClock;
    ticker?: FakeTicker;
    /** Counters, also observing the WeCom client (as makeDeps wires them). */
    metrics?: Metrics;
    /** Default: a fakeDns that knows no name. */
    resolveHost?: ResolveHost;
  } = {},
): TestDeps {
  const config = { ...parseConfig({ ...TEST_ENV, ...opts.env }), ...opts.config };
  const deferred = manualDefer();
  const clock = opts.clock ?? new FakeClock();
  const logger = memoryLogger();
  const secrets = createSecretBox(config.appSecret);
  // Callbacks the emulator pushes go straight into this deps' app, as WeCom's would over HTTP.
  const app = createApp();
  const pushToApp = (input: string | URL | Request, init?: RequestInit) =>
    Promise.resolve(app.fetch(new Request(input, init), { deps: self }));
  const emulator =
    opts.emulator ??
    createEmulator({ clock, corpId: TEST_CORP_ID, org: { generate: { departments: 8, users: 40, seed: 1 } }, fetchCallback: pushToApp });
  const sleeps: number[] = [];
  const sleep = (ms: number) => {
    sleeps.push(ms);
    clock.advance(ms);
    return Promise.resolve();
  };
  const wecom = createWecomClient({
    storage: wecomStorage(db, secrets),
    clock,
    logger,
    apiBase: config.wecomApiBase,
    fetch: emulator.fetch,
    sleep,
    budget: config.wecomBudget,
    ...(opts.metrics ? { observer: opts.metrics } : {}),
  });
  const ticker = opts.ticker ?? new FakeTicker(clock);
  const self: TestDeps = {
    config,
    db,
    secrets,
    clock,
    logger,
    defer: deferred.defer,
    deferred,
    wecom,
    emulator,
    sleeps,
    ticker,
    callbackHandlers: opts.handlers ?? defaultCallbackHandlers,
    hooks: botHooks,
    resolveHost: opts.resolveHost ?? fakeDns(),
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
  };
  return self;
}
