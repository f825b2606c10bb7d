// Queued faults, consumed in order: a call takes the first queued fault whose api matches
// (or is "*"). That fault first lets `afterCalls` matching calls through, then hits `times`
// matching calls (default 1), then leaves the queue.
import type { Fault } from "./types";

interface Queued {
  fault: Fault;
  pass: number;
  left: number;
}

export class FaultError extends Error {
  override name = "FaultError";
}

export class FaultQueue {
  private queue: Queued[] = [];

  add(fault: Fault): void {
    validateFault(fault);
    this.queue.push({ fault, pass: fault.afterCalls ?? 0, left: fault.times ?? 1 });
  }

  clear(): void {
    this.queue = [];
  }

  pending(): (Fault & { remaining: number; passBefore: number })[] {
    return this.queue.map((q) => ({ ...q.fault, remaining: q.left, passBefore: q.pass }));
  }

  /** The fault this call suffers, if any; advances the queue. */
  take(api: string): Fault | undefined {
    const i = this.queue.findIndex((q) => q.fault.api === api || q.fault.api === "*");
    const q = this.queue[i];
    if (!q) return undefined;
    if (q.pass > 0) {
      q.pass--;
      return undefined;
    }
    if (--q.left <= 0) this.queue.splice(i, 1);
    return q.fault;
  }
}

function validateFault(f: Fault): void {
  if (typeof f !== "object" || f === null) throw new FaultError("a fault must be an object");
  if (typeof f.api !== "string" || f.api === "") throw new FaultError('fault.api is required (an API name such as "user/list", or "*")');
  const counts = { times: f.times, afterCalls: f.afterCalls, delayMs: f.delayMs };
  for (const [k, v] of Object.entries(counts)) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new FaultError(`fault.${k} must be a non-negative integer`);
  }
  if (f.times === 0) throw new FaultError("fault.times must be at least 1");
  if (f.errcode !== undefined && !Number.isInteger(f.errcode)) throw new FaultError("fault.errcode must be an integer");
  if (f.http !== undefined && (!Number.isInteger(f.http) || f.http < 200 || f.http > 599))
    throw new FaultError("fault.http must be an HTTP status");
  if (f.errmsg !== undefined && typeof f.errmsg !== "string") throw new FaultError("fault.errmsg must be a string");
  const effect = f.errcode !== undefined || f.http !== undefined || f.truncate === true || f.reset === true || (f.delayMs ?? 0) > 0;
  if (!effect) throw new FaultError("a fault needs errcode, http, truncate, reset or delayMs");
}
