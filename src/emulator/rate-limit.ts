// Per-API calls-per-minute limits (docs/wecom.md#rate-limits: each API is counted separately; exceeding
// gives 45009). A sliding 60 s window over the emulator clock. "*" sets a limit for every
// API that has none of its own, still counted per API.
const WINDOW_MS = 60_000;

export class RateLimiter {
  private limits = new Map<string, number>();
  private hits = new Map<string, number[]>();

  set(api: string, perMinute: number | null): void {
    if (perMinute === null) this.limits.delete(api);
    else this.limits.set(api, perMinute);
    this.hits.clear();
  }

  clear(): void {
    this.limits.clear();
    this.hits.clear();
  }

  list(): Record<string, number> {
    return Object.fromEntries(this.limits);
  }

  /** Records the call and says whether it is within the limit. Rejected calls don't count. */
  admit(api: string, nowMs: number): boolean {
    const limit = this.limits.get(api) ?? this.limits.get("*");
    if (limit === undefined) return true;
    let list = this.hits.get(api);
    if (!list) this.hits.set(api, (list = []));
    let drop = 0;
    while (drop < list.length && (list[drop] ?? 0) <= nowMs - WINDOW_MS) drop++;
    if (drop > 0) list.splice(0, drop);
    if (list.length >= limit) return false;
    list.push(nowMs);
    return true;
  }
}
