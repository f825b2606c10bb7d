// What the webhook outbox costs the transactions of an import (docs/webhooks.md#the-outbox), on a
// scratch PostgreSQL database: `npx tsx bench/repro/outbox-cost.ts [members]` (default 100,000).
// Writes `member.created` audit rows as an import's apply does (pages of 1,000, one statement each,
// with the new member in `after`), once for a team without an endpoint and once for a team with
// one, alternating three times; prints the median seconds of each and what the outbox holds after.
// Env: SCRATCH_URL (postgres://postgres@127.0.0.1:5432).
import { sql } from "drizzle-orm";
import { performance } from "node:perf_hooks";
import { rowsOf } from "../../src/db/queries/sql-arrays";
import { scratchDb } from "./scratch-db";

const MEMBERS = Number(process.argv[2] ?? 100_000);
const PAGE = 1_000;
const ROUNDS = 3;
const scratch = await scratchDb("outbox_cost_scratch", 2);
const db = scratch.db;
const now = new Date().toISOString();

async function team(slug: string, endpoint: boolean): Promise<number> {
  const [row] = rowsOf<{ id: string }>(await db.execute(sql`insert into teams (slug, name) values (${slug}, ${slug}) returning id`));
  const id = Number(row!.id);
  if (endpoint)
    await db.execute(sql`insert into webhook_endpoints (id, team_id, url, secret_sealed, created_at)
      values (${`ep_${slug}`}, ${id}, 'https://example.com/hook', 'v1.x', ${now}::timestamptz)`);
  return id;
}

/** An import's audit rows for `teamId`, page by page; seconds. */
async function importAudit(teamId: number, offset: number): Promise<number> {
  const t0 = performance.now();
  for (let from = 0; from < MEMBERS; from += PAGE) {
    await db.execute(sql`insert into audit_log (team_id, at, initiator, action, subject_type, subject_id, job_id, after)
      select ${teamId}, ${now}::timestamptz, 'system', 'member.created', 'member', (${offset} + i)::text, 1,
        jsonb_build_object('wecomUserId', 'user' || i, 'name', '成员 ' || i, 'departmentIds', jsonb_build_array(1 + i % 2000),
          'mainDepartmentId', 1 + i % 2000, 'position', 'Engineer', 'wecomStatus', 1, 'email', null)
      from generate_series(${from + 1}::int, ${Math.min(from + PAGE, MEMBERS)}::int) i`);
  }
  return (performance.now() - t0) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const without: number[] = [];
const withOne: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  without.push(await importAudit(await team(`none${r}`, false), r * 2 * MEMBERS));
  withOne.push(await importAudit(await team(`one${r}`, true), (r * 2 + 1) * MEMBERS));
}
const [held] = rowsOf<{ batches: number; events: number; bytes: string }>(
  await db.execute(sql`select count(*)::int as batches, coalesce(sum(cardinality(audit_ids)), 0)::int as events,
    pg_size_pretty(pg_total_relation_size('webhook_batches')) as bytes from webhook_batches`),
);
console.log(`${MEMBERS.toLocaleString("en")} member.created audit rows in pages of ${PAGE}, median of ${ROUNDS}:`);
console.log(`  no endpoint  ${median(without).toFixed(2)} s  (${without.map((s) => s.toFixed(2)).join(", ")})`);
console.log(`  one endpoint ${median(withOne).toFixed(2)} s  (${withOne.map((s) => s.toFixed(2)).join(", ")})`);
console.log(`  the outbox holds ${held!.batches} batches, ${held!.events.toLocaleString("en")} events, ${held!.bytes}`);
await scratch.drop();
