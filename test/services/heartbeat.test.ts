import { describe, expect, it } from "vitest";
import type { Ticker } from "../../src/deps";
import { startHeartbeat } from "../../src/services/heartbeat";
import { FakeClock, FakeTicker, memoryLogger } from "../helpers/deps";

function setup() {
  const clock = new FakeClock();
  const ticker = new FakeTicker(clock);
  const logger = memoryLogger();
  const renewals: number[] = [];
  return { clock, ticker, logger, renewals, start: clock.now().getTime() };
}

describe("startHeartbeat", () => {
  it("renews on every beat while the work runs, and not after stop", async () => {
    const { clock, ticker, logger, renewals, start } = setup();
    const renew = () => {
      renewals.push(clock.now().getTime() - start);
      return Promise.resolve(true);
    };
    const beat = startHeartbeat({ ticker, logger }, { everyMs: 5_000, what: "test", renew });
    await ticker.pass(4_999);
    expect(renewals).toEqual([]);
    await ticker.pass(15_001);
    expect(renewals).toEqual([5_000, 10_000, 15_000, 20_000]);
    await beat.stop();
    expect(ticker.active).toBe(0);
    await ticker.pass(60_000);
    expect(renewals).toHaveLength(4);
    expect(beat.lost).toBe(false);
  });

  it("stops beating once a renewal finds the lease gone, and says so", async () => {
    const { ticker, logger, renewals } = setup();
    let held = true;
    const beat = startHeartbeat(
      { ticker, logger },
      {
        everyMs: 5_000,
        what: "test",
        fields: { jobId: 7 },
        renew: () => {
          renewals.push(1);
          return Promise.resolve(held);
        },
      },
    );
    await ticker.pass(10_000);
    expect(beat.lost).toBe(false);
    held = false;
    await ticker.pass(5_000);
    expect(beat.lost).toBe(true);
    expect(ticker.active).toBe(0);
    await ticker.pass(30_000);
    expect(renewals).toHaveLength(3);
    expect(logger.lines).toContainEqual({ level: "warn", msg: "test: lease lost", fields: { jobId: 7 } });
    await beat.stop();
  });

  it("a failed renewal (the database briefly away) is logged and the next beat tries again", async () => {
    const { ticker, logger, renewals } = setup();
    let failures = 1;
    const beat = startHeartbeat(
      { ticker, logger },
      {
        everyMs: 5_000,
        what: "test",
        renew: () => {
          renewals.push(1);
          if (failures-- > 0) return Promise.reject(new Error("connection reset"));
          return Promise.resolve(true);
        },
      },
    );
    await ticker.pass(10_000);
    expect(renewals).toHaveLength(2);
    expect(beat.lost).toBe(false);
    expect(logger.lines.filter((l) => l.msg === "test: lease renewal failed, retrying")).toHaveLength(1);
    await beat.stop();
  });

  it("never runs two renewals at once, and stop waits for the one in flight", async () => {
    // Real timers do not wait for a slow renewal: this ticker fires on demand without waiting.
    const fire: (() => unknown)[] = [];
    const ticker: Ticker = {
      every: (_ms, fn) => {
        fire.push(fn);
        return () => void fire.splice(fire.indexOf(fn), 1);
      },
    };
    let release!: () => void;
    let started = 0;
    let finished = 0;
    const beat = startHeartbeat(
      { ticker, logger: memoryLogger() },
      {
        everyMs: 5_000,
        what: "test",
        renew: async () => {
          started++;
          await new Promise<void>((resolve) => (release = resolve));
          finished++;
          return true;
        },
      },
    );
    void fire[0]!();
    void fire[0]!();
    expect(started).toBe(1);
    const stopping = beat.stop();
    expect(fire).toHaveLength(0);
    release();
    await stopping;
    expect(finished).toBe(1);
  });

  it("without a ticker renews nothing", async () => {
    const beat = startHeartbeat(
      { logger: memoryLogger() },
      { everyMs: 5_000, what: "test", renew: () => Promise.reject(new Error("never called")) },
    );
    await beat.stop();
    expect(beat.lost).toBe(false);
  });
});
