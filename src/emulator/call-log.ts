// Every API call, counted per API name and logged with its query and body, so tests can
// assert e.g. "exactly one gettoken". The log keeps the latest entries only.
export interface CallRecord {
  api: string;
  at: string;
  method: string;
  query: Record<string, string>;
  body?: unknown;
  /** errcode of the answer (0 on success) when it was a WeCom JSON answer. */
  errcode?: number;
  /** Set when an injected fault shaped the answer. */
  fault?: string;
}

export class CallLog {
  private counts = new Map<string, number>();
  private log: CallRecord[] = [];

  constructor(private readonly cap = 10_000) {}

  record(entry: CallRecord): CallRecord {
    this.counts.set(entry.api, (this.counts.get(entry.api) ?? 0) + 1);
    this.log.push(entry);
    if (this.log.length > this.cap * 2) this.log.splice(0, this.log.length - this.cap);
    return entry;
  }

  count(api: string): number {
    return this.counts.get(api) ?? 0;
  }

  clear(): void {
    this.counts.clear();
    this.log = [];
  }

  toJSON(): { counts: Record<string, number>; log: CallRecord[] } {
    return { counts: Object.fromEntries(this.counts), log: this.log.slice(-this.cap) };
  }
}
