// What a webhook claim costs as delivered rows pile up (docs/webhooks.md#claim-cost), on a scratch
// PostgreSQL database: `npx tsx bench/repro/webhook-claim.ts [pending] [delivered]` (defaults 100,000
// and 60,000). Deliveries are written the way an import writes them (audit rows in pages of 1,000,
// the outbox trigger writing a batch per page, fanned out into events and deliveries as a sender
// does), then claimed 16 at a time and marked delivered as the sender does, with autovacuum off
// for the outbox tables ("no vacuum ran in between"). Prints the claim's time (median of 20 claims) and one EXPLAIN (ANALYZE, BUFFERS) at
// 0 and at `delivered` deliveries done. Env: SCRATCH_URL (postgres://postgres@127.0.0.1:5432).
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { rowsOf } from "../../src/db/queries/sql-arrays";
import { claimDueDeliveries, fanOutBatches, markDelivered } from "../../src/db/queries/webhooks";
import type { Db } from "../../src/db/types";
import { scratchDb } from "./scratch-db";

const PENDING = Number(process.argv[2] ?? 100_000);
const DELIVERED = Number(process.argv[3] ?? 60_000);
/** Senders at once: the deferred one after a job beside the scheduled one. */
const SENDERS = Number(process.env.SENDERS ?? 1);
const BATCH = 16;
const PAGE = 1_000;
const scratch = await scratchDb("whclaim_scratch", 4);
const db = scratch.db;

const now = new Date();
const [team] = rowsOf<{ id: string }>(await db.execute(sql`insert into teams (slug, name) values ('repro', 'Repro') returning id`));
const teamId = Number(team!.id);
await db.execute(sql`insert into webhook_endpoints (id, team_id, url, secret_sealed, created_at)
  values ('whep_repro', ${teamId}, 'https://example.com/hook', 'v1.x', ${now.toISOString()}::timestamptz)`);
for (const table of await outboxTables()) await db.execute(sql.raw(`alter table ${table} set (autovacuum_enabled = false)`));

for (let from = 0; from < PENDING; from += PAGE) {
  await db.execute(sql`insert into audit_log (team_id, at, initiator, action, subject_type, subject_id)
    select ${teamId}, ${now.toISOString()}::timestamptz, 'system', 'member.created', 'member', i::text
    from generate_series(${from + 1}::int, ${Math.min(from + PAGE, PENDING)}::int) i`);
}
while (await db.transaction((tx: Db) => fanOutBatches(tx, { limit: 8 })));
if (process.env.ANALYZE !== "0") await db.execute(sql`analyze`);
console.log(`${PENDING} pending deliveries written`);

let done = 0;
let claimMs: number[] = [];
/** A sender's walk over the pending deliveries (src/services/webhooks/deliver.ts): past its last claim. */
interface Walk {
  after: number;
}
/** One claim and its marking, as deliverWebhooks does with every answer a 200; 0 when a walk from the start found nothing. */
async function sendBatch(walk: Walk): Promise<number> {
  for (;;) {
    const at = new Date();
    const started = performance.now();
    const from = walk.after;
    const { due, walkedTo } = await claimDueDeliveries(db, {
      now: at,
      leaseUntil: new Date(at.getTime() + 60_000),
      limit: BATCH,
      after: from,
    });
    claimMs.push(performance.now() - started);
    walk.after = walkedTo ?? 0;
    if (due.length === 0) {
      if (walkedTo === null && from === 0) return 0;
      continue;
    }
    await markDelivered(
      db,
      due.map((d) => ({ id: d.id, endpointId: d.endpointId, at, status: 200, latencyMs: 1, response: "ok", error: null })),
    );
    done += due.length;
    return due.length;
  }
}

const main: Walk = { after: 0 };
async function measure(): Promise<void> {
  if (main.after > 0) {
    console.log(`from the start of a walk (after 0):`);
    await explainClaim(0);
  }
  console.log(`from the walk's position (after ${main.after}):`);
  await explainClaim(main.after);
  claimMs = [];
  for (let i = 0; i < 20; i++) await sendBatch(main);
  const sorted = [...claimMs].sort((a, b) => a - b);
  console.log(`claim of ${BATCH}: median ${sorted[10]!.toFixed(2)} ms, max ${sorted.at(-1)!.toFixed(2)} ms over 20 claims`);
}

/** The claim statement under EXPLAIN (ANALYZE, BUFFERS), rolled back. */
async function explainClaim(after: number): Promise<void> {
  const plan: string[] = [];
  await db
    .transaction(async (tx) => {
      const explaining = {
        execute: async (q: Parameters<Db["execute"]>[0]) => {
          const rows = rowsOf<Record<string, string>>(await tx.execute(sql`explain (analyze, buffers) ${q}`));
          plan.push(...rows.map((r) => r["QUERY PLAN"]!));
          return [];
        },
      } as unknown as Db;
      const at = new Date();
      await claimDueDeliveries(explaining, { now: at, leaseUntil: new Date(at.getTime() + 60_000), limit: BATCH, after });
      throw new Rollback();
    })
    .catch((err: unknown) => {
      if (!(err instanceof Rollback)) throw err;
    });
  if (process.env.PLAN === "1") console.log(plan.join("\n"));
  const scans = plan.flatMap((l, i) =>
    /Scan using webhook_deliveries_pending|Scan using webhook_queue/.test(l) ? [l.trim(), plan[i + 1]!.trim()] : [],
  );
  const top = plan.find((l) => /Buffers/.test(l))!.trim();
  const time = plan.find((l) => /Execution Time/.test(l))!.trim();
  console.log(`EXPLAIN (ANALYZE, BUFFERS): ${time}, ${top}\n  ${scans.join("\n  ")}`);
}

class Rollback extends Error {}

async function outboxTables(): Promise<string[]> {
  const rows = rowsOf<{ relname: string }>(
    await db.execute(
      sql`select relname from pg_class where relkind = 'r' and relname like 'webhook%' and relnamespace = 'public'::regnamespace`,
    ),
  );
  return rows.map((r) => r.relname);
}

console.log(`\n-- ${done} delivered`);
await measure();
// HOLD=1: a transaction of another session stays open while they are delivered (a long report, a
// dump, a slow job), so the delivered rows' old versions are not dead to everyone yet.
const holder = process.env.HOLD === "1" ? postgres(scratch.url, { max: 1, onnotice: () => {} }) : null;
const held = holder?.reserve();
if (held) await (await held).unsafe("begin isolation level repeatable read; select count(*) from teams");
const started = performance.now();
let reported = 0;
/** One sender: claims until `DELIVERED` are done, saying what claims cost every 10,000. */
async function sender(walk: Walk): Promise<void> {
  while (done < DELIVERED) {
    if ((await sendBatch(walk)) === 0) break;
    if (done - reported >= 10_000) {
      reported = done;
      const sorted = claimMs.sort((a, b) => a - b);
      console.log(`  ${done} delivered: claim median ${sorted[sorted.length >> 1]!.toFixed(2)} ms`);
      claimMs = [];
    }
  }
}
await Promise.all([sender(main), ...Array.from({ length: SENDERS - 1 }, () => sender({ after: 0 }))]);
console.log(`\n-- ${done} delivered (${((performance.now() - started) / 1000).toFixed(1)} s to deliver them)`);
await measure();
if (held) {
  (await held).release();
  await holder!.end();
}

await scratch.drop();
