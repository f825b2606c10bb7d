// What the inbox processor's claim costs as finished rows pile up (docs/architecture.md#callbacks),
// on a scratch database: `npx tsx bench/repro/inbox-claim.ts [finished…]` (default 0 100000 500000).
// Before each size it adds finished rows below 1,000 pending ones, then times claimDueInbox taking
// 50 rows (median of 20, each claim rolled back) with the indexes as migrated and with the
// earlier (status, next_attempt_at) index in place of the partial ones.
// Env: SCRATCH_URL (postgres://postgres@127.0.0.1:5432).
import { sql } from "drizzle-orm";
import { performance } from "node:perf_hooks";
import { claimDueInbox } from "../../src/db/queries/inbox";
import { rowsOf } from "../../src/db/queries/sql-arrays";
import { scratchDb } from "./scratch-db";

const SIZES = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [0, 100_000, 500_000];
const PENDING = 1_000;
const TRIES = 20;
const scratch = await scratchDb("inbox_claim_scratch", 1);
const db = scratch.db;
const [team] = rowsOf<{ id: string }>(await db.execute(sql`insert into teams (slug, name) values ('t', 't') returning id`));
const teamId = Number(team!.id);
const now = new Date();

const AS_MIGRATED = sql.raw(`drop index if exists callback_inbox_due;
  create index if not exists callback_inbox_live on callback_inbox (id) where status in ('pending', 'processing')`);
const EARLIER = sql.raw(`drop index if exists callback_inbox_live;
  create index if not exists callback_inbox_due on callback_inbox (status, next_attempt_at)`);

/** Keeps `finished` finished rows in the table, below PENDING pending ones (pending rows arrived last). */
async function fill(finished: number, have: number): Promise<void> {
  await db.execute(sql`delete from callback_inbox where status = 'pending'`);
  if (finished > have)
    await db.execute(sql`insert into callback_inbox (team_id, dedupe_key, handler_key, payload, received_at, next_attempt_at, status, finished_at)
      select ${teamId}, 'done:' || i, 'text', '<xml/>', ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz, 'processed', ${now.toISOString()}::timestamptz
      from generate_series(${have + 1}::int, ${finished}::int) i`);
  await db.execute(sql`insert into callback_inbox (team_id, dedupe_key, handler_key, payload, received_at, next_attempt_at, status)
    select ${teamId}, 'new:' || i || ':' || ${finished}, 'text', '<xml/>', ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz, 'pending'
    from generate_series(1, ${PENDING}::int) i`);
  await db.execute(sql`analyze callback_inbox`);
}

/** Median ms of one claim of 50, rolled back so every try finds the same rows. */
async function claimMs(): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < TRIES; i++) {
    await db
      .transaction(async (tx) => {
        const t0 = performance.now();
        const rows = await claimDueInbox(tx, { now: new Date(), leaseUntil: new Date(Date.now() + 20_000), limit: 50 });
        times.push(performance.now() - t0);
        if (rows.length !== 50) throw new Error(`claimed ${rows.length} rows, not 50`);
        tx.rollback();
      })
      .catch((err: unknown) => {
        if (!(err instanceof Error && err.message === "Rollback")) throw err;
      });
  }
  return times.sort((a, b) => a - b)[Math.floor(TRIES / 2)]!;
}

console.log(`claimDueInbox taking 50 of ${PENDING.toLocaleString("en")} pending rows, median of ${TRIES}:`);
console.log(`| finished rows | as migrated (partial index on live rows) | earlier (status, next_attempt_at) |`);
console.log(`|--:|--:|--:|`);
let have = 0;
for (const finished of SIZES) {
  await fill(finished, have);
  have = Math.max(have, finished);
  await db.execute(AS_MIGRATED);
  const migrated = await claimMs();
  await db.execute(EARLIER);
  const earlier = await claimMs();
  await db.execute(AS_MIGRATED);
  console.log(`| ${finished.toLocaleString("en")} | ${migrated.toFixed(2)} ms | ${earlier.toFixed(2)} ms |`);
}
await scratch.drop();
