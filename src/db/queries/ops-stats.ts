import { sql } from "drizzle-orm";
import type { Db } from "../types";
import { rowsOf } from "./sql-arrays";

/**
 * The operator's counts, read at scrape time: one grouped query per table, no per-team loop, so a
 * scrape costs the same few queries however many teams there are.
 */
export async function inboxCountsByTeam(
  db: Db,
  p: { now: Date },
): Promise<{ slug: string; status: string; n: number; oldestSeconds: number | null }[]> {
  const rows = rowsOf<{ slug: string; status: string; n: string | number; oldest: string | number | null }>(
    await db.execute(sql`
      select t.slug, i.status, count(*) as n,
        extract(epoch from (${p.now.toISOString()}::timestamptz - min(i.received_at) filter (where i.status in ('pending', 'processing')))) as oldest
      from callback_inbox i join teams t on t.id = i.team_id
      group by t.slug, i.status`),
  );
  return rows.map((r) => ({
    slug: r.slug,
    status: r.status,
    n: Number(r.n),
    oldestSeconds: r.oldest === null ? null : Math.max(0, Number(r.oldest)),
  }));
}

export async function memberCountsByTeam(db: Db): Promise<{ slug: string; status: string; n: number }[]> {
  const rows = rowsOf<{ slug: string; status: string; n: string | number }>(
    await db.execute(sql`select t.slug, m.status, count(*) as n from members m join teams t on t.id = m.team_id group by t.slug, m.status`),
  );
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

export async function jobCountsByTeam(db: Db): Promise<{ slug: string; state: string; n: number }[]> {
  const rows = rowsOf<{ slug: string; state: string; n: string | number }>(
    await db.execute(sql`select t.slug, j.state, count(*) as n from sync_jobs j join teams t on t.id = j.team_id group by t.slug, j.state`),
  );
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

export async function allTeamSlugs(db: Db): Promise<string[]> {
  return rowsOf<{ slug: string }>(await db.execute(sql`select slug from teams order by slug`)).map((r) => r.slug);
}

/**
 * Calls counted in the given minute and hour windows (the limiter's `<api>/min` and `<api>/hour`
 * buckets). The limiter draws calls in chunks, so this is what instances reserved, a little ahead of what they sent.
 */
export async function currentRateWindows(
  db: Db,
  p: { minute: Date; hour: Date },
): Promise<{ corpId: string; bucket: string; calls: number }[]> {
  const rows = rowsOf<{ corp_id: string; api: string; calls: number }>(
    await db.execute(sql`
      select corp_id, api, calls from wecom_rate_windows
      where (api like '%/min' and window_start = ${p.minute.toISOString()}::timestamptz)
         or (api like '%/hour' and window_start = ${p.hour.toISOString()}::timestamptz)`),
  );
  return rows.map((r) => ({ corpId: r.corp_id, bucket: r.api, calls: Number(r.calls) }));
}
