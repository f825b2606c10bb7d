import { lt, sql } from "drizzle-orm";
import { wecomRateWindows } from "../schema";
import type { Db } from "../types";

/** Counts `calls` in each (bucket, window start) and returns the calls so far, in the given order. */
export async function countCall(
  db: Db,
  p: { corpId: string; calls: number; windows: { bucket: string; start: Date }[] },
): Promise<number[]> {
  const rows = await db
    .insert(wecomRateWindows)
    .values(p.windows.map((w) => ({ corpId: p.corpId, api: w.bucket, windowStart: w.start, calls: p.calls })))
    .onConflictDoUpdate({
      target: [wecomRateWindows.corpId, wecomRateWindows.api, wecomRateWindows.windowStart],
      set: { calls: sql`${wecomRateWindows.calls} + excluded.calls` },
    })
    .returning({ api: wecomRateWindows.api, calls: wecomRateWindows.calls });
  const byBucket = new Map(rows.map((r) => [r.api, r.calls]));
  return p.windows.map((w) => byBucket.get(w.bucket) ?? 0);
}

export async function pruneRateWindows(db: Db, p: { before: Date }): Promise<void> {
  await db.delete(wecomRateWindows).where(lt(wecomRateWindows.windowStart, p.before));
}
