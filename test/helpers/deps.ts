import { defaultCallbackHandlers, type HandlerTable } from "../../src/callbacks/handler-table";
import { parseConfig, type Config } from "../../src/config";
import type { Clock, Deps } from "../../src/deps";
import type { Db } from "../../src/db/types";
import type { Logger } from "../../src/logger";
import { createSecretBox } from "../../src/security/secret-box";

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

export type TestDeps = Deps & { clock: FakeClock; logger: ReturnType<typeof memoryLogger>; deferred: ReturnType<typeof manualDefer> };

export function testDeps(db: Db, opts: { handlers?: HandlerTable; env?: Record<string, string>; config?: Partial<Config> } = {}): TestDeps {
  const config = { ...parseConfig({ ...TEST_ENV, ...opts.env }), ...opts.config };
  const deferred = manualDefer();
  return {
    config,
    db,
    secrets: createSecretBox(config.appSecret),
    clock: new FakeClock(),
    logger: memoryLogger(),
    defer: deferred.defer,
    deferred,
    callbackHandlers: opts.handlers ?? defaultCallbackHandlers,
  };
}
