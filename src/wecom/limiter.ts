import type { Clock } from "../clock";
import type { RateStore } from "./storage";

export interface Budget {
  perMinute: number;
  perHour: number;
}

type Reserved = Map<string, { minute: number; left: number }>;

interface LimiterDeps {
  rates: RateStore;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  budget: Budget;
  reserved: Reserved;
  /** Told before a wait for the next window: a run that slows down says why. */
  onWait?: (api: string, ms: number, window: "minute" | "hour") => void;
}

/**
 * The refill under way per API, beside each client's reservations: calls that find the reservation
 * empty wait for one refill instead of each drawing a chunk (which spent 5–6× the calls made).
 * Only in-process coordination of what this process already reserved; the budget itself is in PostgreSQL.
 */
const refills = new WeakMap<Reserved, Map<string, Promise<void>>>();

function refillsOf(reserved: Reserved): Map<string, Promise<void>> {
  let m = refills.get(reserved);
  if (!m) refills.set(reserved, (m = new Map<string, Promise<void>>()));
  return m;
}

/** Draws `chunk` calls from the shared budget, waiting for the next window while it is spent. */
async function refill(o: LimiterDeps, corpId: string, api: string, key: string, chunk: number): Promise<void> {
  for (;;) {
    const now = o.clock.now().getTime();
    const minute = now - (now % 60_000);
    const hour = now - (now % 3_600_000);
    const [perMinute = 0, perHour = 0] = await o.rates.count({
      corpId,
      calls: chunk,
      windows: [
        { bucket: `${api}/min`, start: new Date(minute) },
        { bucket: `${api}/hour`, start: new Date(hour) },
      ],
    });
    if (perMinute <= o.budget.perMinute && perHour <= o.budget.perHour) {
      o.reserved.set(key, { minute, left: chunk });
      return;
    }
    const hourSpent = perHour > o.budget.perHour;
    const until = hourSpent ? hour + 3_600_000 : minute + 60_000;
    o.onWait?.(api, until - now, hourSpent ? "hour" : "minute");
    await o.sleep(until - now);
  }
}

/**
 * WeCom allows 10,000 calls/min and 150,000/hour per API per corp (docs/wecom.md#rate-limits); by default
 * we spend half, counted in PostgreSQL so every instance shares one budget. Over budget, the call
 * waits for the next window instead of earning a 45009.
 */
export async function acquire(o: LimiterDeps, corpId: string, api: string): Promise<void> {
  // Calls are drawn from the shared budget a few at a time, so most calls cost no round trip;
  // what one process reserved and did not use only leaves the budget under-spent.
  const chunk = Math.max(1, Math.min(20, Math.floor(o.budget.perMinute / 100)));
  const key = `${corpId}\n${api}`;
  const pending = refillsOf(o.reserved);
  for (;;) {
    const now = o.clock.now().getTime();
    const mine = o.reserved.get(key);
    if (mine && mine.minute === now - (now % 60_000) && mine.left > 0) {
      mine.left--;
      return;
    }
    let running = pending.get(key);
    if (!running) {
      running = refill(o, corpId, api, key, chunk).finally(() => pending.delete(key));
      pending.set(key, running);
    }
    await running;
  }
}
