// What storing a callback costs PostgreSQL (docs/architecture.md#callbacks), on a scratch database:
// `npx tsx bench/repro/inbox-insert.ts [rows] [batch]` (default 40,000 rows in batches of 8).
// Inserts chat-message rows through insertInboxRows from two connections at once and prints, per
// row, the CPU of the scratch database's backends and of this process and the wall time, median of
// three, as migrated and without the foreign key to teams.
// Env: SCRATCH_URL (postgres://postgres@127.0.0.1:5432).
import { sql } from "drizzle-orm";
import { performance } from "node:perf_hooks";
import { insertInboxRows, type NewInboxRow } from "../../src/db/queries/inbox";
import { rowsOf } from "../../src/db/queries/sql-arrays";
import { cpuSecondsByName } from "../lib/proc";
import { scratchDb } from "./scratch-db";

const ROWS = Number(process.argv[2] ?? 40_000);
const BATCH = Number(process.argv[3] ?? 8);
const ROUNDS = 3;
const NAME = "inbox_insert_scratch";
const scratch = await scratchDb(NAME, 2);
const db = scratch.db;
const [team] = rowsOf<{ id: string }>(await db.execute(sql`insert into teams (slug, name) values ('t', 't') returning id`));
const teamId = Number(team!.id);
const payload = `<xml><ToUserName><![CDATA[wwbench0000000001]]></ToUserName><FromUserName><![CDATA[user1]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[bench message 同步]]></Content><MsgId>7300000000000000000</MsgId><AgentID>1000002</AgentID></xml>`;

let next = 0;
function rows(n: number): NewInboxRow[] {
  return Array.from({ length: n }, () => ({
    teamId,
    dedupeKey: `msg:${next++}`,
    handlerKey: "text",
    subject: null,
    payload,
    receivedAt: new Date(),
    waitsForImport: false,
  }));
}

/** CPU seconds of the scratch database's backends and of this process, wall seconds. */
async function round(): Promise<{ cpu: number; client: number; wall: number }> {
  const cpu0 = cpuSecondsByName("postgres", ` ${NAME} `) ?? 0;
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  let left = ROWS;
  const lane = async () => {
    while (left > 0) {
      const n = Math.min(BATCH, left);
      left -= n;
      await insertInboxRows(db, rows(n));
    }
  };
  await Promise.all([lane(), lane()]);
  const client = process.cpuUsage(client0);
  return {
    cpu: (cpuSecondsByName("postgres", ` ${NAME} `) ?? 0) - cpu0,
    client: (client.user + client.system) / 1e6,
    wall: (performance.now() - t0) / 1000,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const variants: [string, string | null][] = [
  ["as migrated", null],
  // What the foreign key's per-row check costs (kept: it is the inbox's tie to its team).
  ["without the foreign key to teams", `alter table callback_inbox drop constraint callback_inbox_team_id_teams_id_fk`],
];
console.log(`${ROWS.toLocaleString("en")} rows per round in batches of ${BATCH}, two connections, median of ${ROUNDS}:`);
for (const [label, ddl] of variants) {
  if (ddl) await db.execute(sql.raw(ddl));
  await round();
  const runs = [];
  for (let r = 0; r < ROUNDS; r++) runs.push(await round());
  const cpu = median(runs.map((r) => r.cpu));
  const client = median(runs.map((r) => r.client));
  const wall = median(runs.map((r) => r.wall));
  const perRow = (s: number) => ((s / ROWS) * 1e6).toFixed(1);
  console.log(`  ${label.padEnd(36)} backends ${perRow(cpu)} µs/row, client ${perRow(client)} µs/row, wall ${perRow(wall)} µs/row`);
}
await scratch.drop();
