// Sends a plan of contact changes to the emulator, paced evenly over a time window, at most
// `inFlight` at once; a change waits for every earlier change sharing one of its keys. Each
// emulator call answers after its callback push to the service has been delivered (or not).
// It runs inside the emulator's process (`POST /_bench/drive`, bench/lib/emulator-server.ts) and
// calls the emulator's app in-process: a control call over loopback HTTP cost the two shared cores
// more than the service's own handling of the callback it causes (BENCHMARKS.md, import-changes),
// and WeCom's own changes cost the service's machine nothing.
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { Change } from "./contact-changes";

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
  /** Changes the emulator made without pushing a callback (nothing changed, or no target: the untold run). */
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

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** What `POST /_bench/drive` takes: the plan, its window in seconds after the call, the calls at once. */
export interface DriveRequest {
  changes: Change[];
  from: number;
  to: number;
  inFlight: number;
}

/** A DriveResult as JSON carries it. */
export type DriveAnswer = Omit<DriveResult, "delivered"> & { delivered: string[] };

async function send(fetch: Fetch, change: Change, result: DriveResult): Promise<void> {
  const init: RequestInit = { method: change.method };
  if (change.body !== undefined)
    Object.assign(init, { headers: { "content-type": "application/json" }, body: JSON.stringify(change.body) });
  const res = await fetch(change.path, init);
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
  // No callback: a change WeCom reports to nobody, or the emulator has no target (the untold run).
  if (!callback || callback.outcome === "no-target") {
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
  fetch: Fetch,
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
        await send(fetch, change, result).catch(
          (err: unknown) => void result.failures.push(`${change.kind} ${change.path}: ${String(err)}`),
        );
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

/**
 * Runs a plan in the emulator's process (`POST /_bench/drive`), its window and the times it
 * reports in seconds after `origin` (this process's performance.now()).
 */
export async function driveInEmulator(emu: string, origin: number, plan: DriveRequest): Promise<DriveResult> {
  const offset = (performance.now() - origin) / 1000;
  const res = await fetch(new URL("/_bench/drive", emu), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...plan, from: plan.from - offset, to: plan.to - offset }),
  });
  if (!res.ok) throw new Error(`POST /_bench/drive → ${res.status} ${(await res.text()).slice(0, 400)}`);
  const a = (await res.json()) as DriveAnswer;
  return {
    ...a,
    delivered: new Set(a.delivered),
    firstAt: a.firstAt + offset,
    lastAt: a.lastAt + offset,
    log: a.log.map((l) => ({ ...l, sentAt: l.sentAt + offset, doneAt: l.doneAt + offset })),
  };
}
