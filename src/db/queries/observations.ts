import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../types";
import { rowsOf } from "./sql-arrays";

/**
 * A point on the database's clock, as UTC ISO text with microseconds ("2026-12-03T21:07:11.123456Z"):
 * fixed width, so it sorts as text, and exact as a timestamptz. Every instance stamps its WeCom
 * reads from the one clock they share (docs/observations.md).
 */
export type Observed = string;

/** Older than any observation: what a row written before observation times were kept counts as. */
export const NEVER: Observed = "-infinity";

/** A timestamptz expression as Observed text. */
export const observedText = (expr: SQL | string): SQL =>
  sql`to_char(${typeof expr === "string" ? sql.raw(expr) : expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The time to stamp a WeCom read with, taken before the request is sent: whatever the answer holds
 * was true at this time or later, so a later stamp never loses to an older read
 * (docs/observations.md). Unique and increasing: a stamp handed out after another returned is
 * later, even within one tick of the clock (observation_clock).
 */
export async function observeNow(db: Db): Promise<Observed> {
  const [at] = await observeSeries(db, 1);
  if (at === undefined) throw new Error("no time from the database");
  return at;
}

/**
 * `n` stamps in one statement, for `n` reads about to be sent one after another (a listing step's
 * pages): increasing, each later than every stamp handed out before, and every stamp handed out
 * after is later than all of them. The clock moves on by `n` microseconds at least, so the series
 * ends at the database's time (or just after the last stamp, within the same tick). One row
 * update per series instead of per read: each update of the one row waits for the one before
 * to commit (BENCHMARKS.md, import).
 */
export async function observeSeries(db: Db, n: number): Promise<Observed[]> {
  if (n < 1) return [];
  const rows = rowsOf<{ at: string }>(
    await db.execute(sql`
      with c as (
        insert into observation_clock as c (id, last) values (1, clock_timestamp())
        on conflict (id) do update set last = greatest(excluded.last, c.last + ${n}::int * interval '1 microsecond')
        returning last)
      select ${observedText(sql`(c.last - (${n}::int - 1 - g) * interval '1 microsecond')`)} as at
      from c, generate_series(0, ${n}::int - 1) as g
      order by g`),
  );
  if (rows.length !== n) throw new Error("no time from the database");
  return rows.map((r) => r.at);
}

/** The first of the two advisory-lock keys for mirror locks ("mirr"); the second is the team. */
const MIRROR_LOCK_SPACE = 0x6d697272;

/**
 * Serializes a team's mirror writers (docs/observations.md): listing pages share it (each writes its
 * own keys), every other writer — a callback's re-read, the department tree, staging and applying
 * deprovisions, releasing hints — takes it alone, so what it compares is what it overwrites.
 * Held to the end of the transaction.
 */
export async function lockMirror(db: Db, p: { teamId: number; shared?: boolean }): Promise<void> {
  const key = sql`${MIRROR_LOCK_SPACE}::int, ${p.teamId % 2_147_483_647}::int`;
  await db.execute(p.shared ? sql`select pg_advisory_xact_lock_shared(${key})` : sql`select pg_advisory_xact_lock(${key})`);
}
