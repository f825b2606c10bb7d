// Sends a plan of contact changes to the emulator, paced evenly over a time window, at most
// `inFlight` at once; a change waits for every earlier change sharing one of its keys. Each
// emulator call answers after its callback push to the service has been delivered (or not).
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { Change } from "./contact-changes";
import { nodeFetch } from "./node-fetch";

export interface Pushed {
  change: Change;
  /** Seconds after the window's origin when the call was sent and answered. */
  sentAt: number;
  doneAt: number;
}

export interface DriveResult {
  sent: number;
  /** Calls the emulator failed, or pushes the service did not answer 200. */
  failures: string[];
  /**
   * Changes WeCom itself refused, so WeCom did not change: a department moved under a parent that
   * meanwhile got a sub-department of the same name (60008). Planned ahead, such a clash can't be
   * avoided; the mirror must still equal WeCom.
   */
  refused: string[];
  /** Distinct callback payloads delivered with a 200: the inbox rows the service must hold. */
  delivered: Set<string>;
  /** Pushes the emulator answered without a callback (nothing changed). */
  silent: number;
  log: Pushed[];
  firstAt: number;
  lastAt: number;
}

interface PushAnswer {
  callback: { outcome: string; xml: string; deliveries: { status?: number; error?: string }[] } | null;
}

class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(n: number) {
    this.free = n;
  }
  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

async function send(emu: string, change: Change, result: DriveResult): Promise<void> {
  const init: RequestInit = { method: change.method };
  if (change.body !== undefined)
    Object.assign(init, { headers: { "content-type": "application/json" }, body: JSON.stringify(change.body) });
  const res = await nodeFetch(new URL(change.path, emu), init);
  const text = await res.text();
  if (res.status === 409 && text.includes("department_name_taken")) {
    result.refused.push(`${change.kind} ${change.path}`);
    return;
  }
  if (!res.ok) {
    result.failures.push(`${change.kind} ${change.method} ${change.path} → ${res.status} ${text.slice(0, 200)}`);
    return;
  }
  const { callback } = JSON.parse(text) as PushAnswer;
  if (!callback) {
    result.silent++;
    return;
  }
  if (callback.outcome !== "sent" || !callback.deliveries.some((d) => d.status === 200)) {
    result.failures.push(`${change.kind} ${change.path}: push ${callback.outcome} ${JSON.stringify(callback.deliveries).slice(0, 200)}`);
    return;
  }
  result.delivered.add(createHash("sha256").update(callback.xml, "utf8").digest("hex"));
}

/**
 * Change i is sent at origin + from + (to − from) · i / n seconds, or later when slots or the
 * changes it depends on are not free yet.
 */
export async function driveChanges(
  emu: string,
  changes: Change[],
  o: { origin: number; from: number; to: number; inFlight: number },
): Promise<DriveResult> {
  const result: DriveResult = {
    sent: 0,
    failures: [],
    refused: [],
    delivered: new Set(),
    silent: 0,
    log: [],
    firstAt: Number.NaN,
    lastAt: Number.NaN,
  };
  const slots = new Slots(o.inFlight);
  const tails = new Map<string, Promise<void>>();
  const since = () => (performance.now() - o.origin) / 1000;
  const all: Promise<void>[] = [];
  for (const [i, change] of changes.entries()) {
    const due = o.from + ((o.to - o.from) * i) / changes.length;
    const wait = due - since();
    if (wait > 0) await sleep(wait * 1000);
    await slots.take();
    const before = change.keys.flatMap((k) => tails.get(k) ?? []);
    const done = Promise.all(before)
      .then(async () => {
        const sentAt = since();
        if (Number.isNaN(result.firstAt)) result.firstAt = sentAt;
        await send(emu, change, result).catch((err: unknown) => void result.failures.push(`${change.kind} ${change.path}: ${String(err)}`));
        result.sent++;
        result.lastAt = since();
        result.log.push({ change, sentAt, doneAt: result.lastAt });
      })
      .finally(() => slots.give());
    for (const k of change.keys) tails.set(k, done);
    all.push(done);
  }
  await Promise.all(all);
  return result;
}
