// callback-ingest: unique signed and encrypted WeCom callback POSTs at concurrency 32, in one run,
// against a bare Hono route that answers 200, against the reference receiver a user would write
// instead (bench/lib/reference-receiver.ts: @wecom/crypto, fast-xml-parser, one INSERT per
// callback), and against the real Node service on PostgreSQL. The reference and the service take
// turns, a fresh process (and for the service a fresh database) each turn, for several rounds: a
// shared machine's speed drifts by tens of percent within a minute, and a round compares two runs
// seconds apart. Reports throughput, p50/p99/max latency, the service/reference ratio of every
// round and their median, service/baseline, and checks that every callback acknowledged with a 200
// is stored afterwards (once, no duplicates), by the service in callback_inbox and by the
// reference in a table of its own.
// Goals (informational, never asserted): median service/reference ≥ 1.5, nothing lost, p99 ≤ 50 ms.
// The run fails (exit 1) only for lost callbacks, failed requests or an unclean server exit.
//
//   npm run bench callback-ingest
//   DATABASE_URL=postgres://… npm run bench callback-ingest   (server to create the scratch db on)
//   BENCH_CPU_PROF=/tmp/prof npm run bench callback-ingest   (--cpu-prof every server into that dir)
//   BENCH_INGEST_SECONDS=10 npm run bench callback-ingest    (measured seconds per turn, default 5)
//   BENCH_INGEST_ROUNDS=5 npm run bench callback-ingest      (rounds of reference then service, default 3)
//   BENCH_INGEST_CONCURRENCY=8 npm run bench callback-ingest (requests in flight, default 32)
//   BENCH_PG_LOG=/var/log/postgresql/postgresql-15-main.log npm run bench callback-ingest
//     (logs every statement of the scratch databases and prints the costliest of each storing
//      target's turns; needs a superuser and that log readable; slows the runs)
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import os from "node:os";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import postgres from "postgres";
import { sealMessage, textMessageXml, toQueryString } from "../test/helpers/wecom-envelope";
import { freePort, startServer, type ServerChild } from "./lib/child";
import { serviceScript } from "./lib/service-script";
import { startFakeWecom, type FakeWecom } from "./lib/fake-wecom";
import { keepAliveAgent, runLoad, summarize, type LoadResult, type PreparedRequest, type Summary } from "./lib/load";
import { cpuSecondsByName, selfCpuSeconds, systemCpu, type SystemCpu } from "./lib/proc";
import { int, machine, ms, table } from "./lib/report";
import { scratchRun } from "./lib/scratch";
import { envInt } from "./lib/env";
import { logEveryStatement, logOffset, printLogSummary, summarizeLog, type LogSummary } from "./lib/pg-log";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

const CONCURRENCY = envInt("BENCH_INGEST_CONCURRENCY", 32);
/** Requests per target before measuring (JIT, connection pools, sockets). */
const WARMUP = 500;
/** Measured run per turn; a turn also ends when its unique callbacks run out. */
const DURATION_MS = Number(process.env.BENCH_INGEST_SECONDS ?? 5) * 1000;
const ROUNDS = envInt("BENCH_INGEST_ROUNDS", 3);
/** Unique callbacks for each turn's measured run (the baseline cycles through the first turn's). */
const MEASURED_MAX = Math.max(20_000, (DURATION_MS / 1000) * 4_000);
/** The reference receiver's table of round `i`, on the main scratch database. */
const referenceTable = (i: number) => `reference_inbox_${i}`;

const SLUG = "bench";
const BINDING = {
  corpId: "wwbench0000000001",
  agentId: 1000002,
  secret: "bench-App-Secret-0123456789abcdefghijkl",
  token: "benchToken0123456789abcdefABCDEF",
  encodingAesKey: "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
};
/** WeCom MsgIds are 64-bit and beyond 2^53; any unique values do in a fresh database. */
const MSG_ID_BASE = 7_300_000_000_000_000_000n;

const PG_LOG = process.env.BENCH_PG_LOG ? resolve(process.env.BENCH_PG_LOG) : undefined;

const GOAL_RATIO = 1.5;
const GOAL_P99_MS = 50;

interface Callbacks {
  requests: PreparedRequest[];
  msgIds: string[];
}

/** Unique text messages, encrypted and signed as WeCom would, timestamped now (±300 s window). */
async function prepareCallbacks(count: number): Promise<Callbacks> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const msgIds = Array.from({ length: count }, (_, i) => (MSG_ID_BASE + BigInt(i)).toString());
  const requests: PreparedRequest[] = new Array<PreparedRequest>(count);
  const BATCH = 500;
  for (let from = 0; from < count; from += BATCH) {
    await Promise.all(
      msgIds.slice(from, from + BATCH).map(async (msgId, k) => {
        const plaintext = textMessageXml({
          toUserName: BINDING.corpId,
          fromUserName: `user${(from + k) % 97}`,
          content: `bench message ${from + k} 同步`,
          msgId,
          createTime: timestamp,
          agentId: String(BINDING.agentId),
        });
        const sealed = await sealMessage({
          token: BINDING.token,
          encodingAesKey: BINDING.encodingAesKey,
          receiveId: BINDING.corpId,
          agentId: String(BINDING.agentId),
          plaintext,
          timestamp,
          nonce: String(Math.floor(Math.random() * 1e9)),
        });
        requests[from + k] = { path: `/wecom/${SLUG}/callback?${toQueryString(sealed.query)}`, body: Buffer.from(sealed.body) };
      }),
    );
  }
  return { requests, msgIds };
}

interface Cpu {
  server?: number;
  postgres?: number;
  loadgen: number;
  system?: SystemCpu;
}

/**
 * PostgreSQL's CPU is that of the backends serving the scratch database: on a shared machine other
 * databases' backends are someone else's work. The WAL writer and checkpointer are left out.
 */
function cpuNow(server: ServerChild, dbName: string): Cpu {
  return {
    server: server.cpuSeconds(),
    postgres: cpuSecondsByName("postgres", ` ${dbName} `),
    loadgen: selfCpuSeconds(),
    system: systemCpu(),
  };
}

function cpuDelta(a: Cpu, b: Cpu): Cpu {
  const d = (x?: number, y?: number) => (x === undefined || y === undefined ? undefined : y - x);
  const system =
    a.system && b.system
      ? { busy: b.system.busy - a.system.busy, idle: b.system.idle - a.system.idle, steal: b.system.steal - a.system.steal }
      : undefined;
  return { server: d(a.server, b.server), postgres: d(a.postgres, b.postgres), loadgen: b.loadgen - a.loadgen, system };
}

interface TargetRun {
  name: string;
  summary: Summary;
  cpu: Cpu;
  wallSeconds: number;
  warm: LoadResult;
  measured: LoadResult;
  exit: { code: number | null; signal: NodeJS.Signals | null };
  stopSeconds: number;
}

/** Warm-up, then the measured run, with exactly CONCURRENCY requests in flight. */
async function drive(
  server: ServerChild,
  dbName: string,
  take: (n: number) => PreparedRequest | undefined,
  warmTake: (n: number) => PreparedRequest | undefined,
) {
  const agent = keepAliveAgent(CONCURRENCY);
  try {
    const warm = await runLoad({ port: server.port, agent, concurrency: CONCURRENCY, take: warmTake, durationMs: 60_000 });
    const before = cpuNow(server, dbName);
    const t0 = performance.now();
    const measured = await runLoad({ port: server.port, agent, concurrency: CONCURRENCY, take, durationMs: DURATION_MS });
    const wallSeconds = (performance.now() - t0) / 1000;
    const cpu = cpuDelta(before, cpuNow(server, dbName));
    return { warm, measured, cpu, wallSeconds };
  } finally {
    agent.destroy();
  }
}

async function stopTimed(server: ServerChild) {
  const t0 = performance.now();
  const exit = await server.stop();
  return { exit, stopSeconds: (performance.now() - t0) / 1000 };
}

async function createBoundTeam(port: number, adminToken: string): Promise<void> {
  const base = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${adminToken}`, "content-type": "application/json" };
  const created = await fetch(`${base}/api/teams`, { method: "POST", headers, body: JSON.stringify({ slug: SLUG, name: "Bench 团队" }) });
  if (created.status !== 201) throw new Error(`POST /api/teams: ${created.status} ${await created.text()}`);
  const bound = await fetch(`${base}/api/teams/${SLUG}/wecom`, { method: "PUT", headers, body: JSON.stringify(BINDING) });
  if (bound.status !== 200) throw new Error(`PUT /api/teams/${SLUG}/wecom: ${bound.status} ${await bound.text()}`);
}

interface Lossless {
  acknowledged: number;
  rows: number;
  missing: number;
  duplicates: number;
  /** Stored but not acknowledged (a request that failed after its insert): not a loss. */
  unacknowledged: number;
  /** Rows per status right after the run: how far the deferred processing kept up. */
  byStatus: Record<string, number>;
}

/** Rows stored by the service (`callback_inbox`) or by the reference (in `table`, without a status). */
function checkInbox(dbUrl: string, acked: Set<string>, table?: string): Promise<Lossless> {
  return withDb(dbUrl, async (sql) => {
    const rows =
      table === undefined
        ? await sql<{ dedupe_key: string; status: string }[]>`
      select i.dedupe_key, i.status from callback_inbox i join teams t on t.id = i.team_id where t.slug = ${SLUG}`
        : await sql<{ dedupe_key: string; status: string }[]>`select dedupe_key, 'stored' as status from ${sql(table)}`;
    const byStatus: Record<string, number> = {};
    for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    const keys = new Set(rows.map((r) => r.dedupe_key));
    let missing = 0;
    for (const id of acked) if (!keys.has(`msg:${id}`)) missing++;
    let unacknowledged = 0;
    for (const k of keys) if (!acked.has(k.slice("msg:".length))) unacknowledged++;
    return { acknowledged: acked.size, rows: rows.length, missing, duplicates: rows.length - keys.size, unacknowledged, byStatus };
  });
}

interface DbStats {
  xact: number;
  inserted: number;
  updated: number;
}

async function dbStats(admin: postgres.Sql, dbName: string): Promise<DbStats | undefined> {
  const rows = await admin<{ xact: string; ins: string; upd: string }[]>`
    select xact_commit + xact_rollback as xact, tup_inserted as ins, tup_updated as upd from pg_stat_database where datname = ${dbName}`;
  const r = rows[0];
  return r && { xact: Number(r.xact), inserted: Number(r.ins), updated: Number(r.upd) };
}

/** The MsgIds of the warm-up and measured callbacks of the turn starting at `first` that were answered 200. */
function ackedIds(cb: Callbacks, first: number, run: { warm: LoadResult; measured: LoadResult }): Set<string> {
  const acked = new Set<string>();
  for (const n of run.warm.okSeq) acked.add(cb.msgIds[first + n] ?? "");
  for (const n of run.measured.okSeq) acked.add(cb.msgIds[first + WARMUP + n] ?? "");
  return acked;
}

async function withDb<T>(dbUrl: string, f: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    return await f(sql);
  } finally {
    await sql.end();
  }
}

const seconds = (v?: number) => (v === undefined ? "?" : v.toFixed(1));

/** Machine-wide busy CPU not used by the server, PostgreSQL or the load generator. */
function otherCpu(t: TargetRun): number | undefined {
  const { system, server, postgres: pg, loadgen } = t.cpu;
  return system && server !== undefined && pg !== undefined ? Math.max(0, system.busy - server - pg - loadgen) : undefined;
}

function cpuLine(t: TargetRun): string {
  const perReq = t.cpu.server === undefined ? "" : ` (${int((t.cpu.server / t.summary.requests) * 1e6)} µs/request)`;
  const sys = t.cpu.system;
  const machineWide = sys
    ? `; machine ${seconds(sys.busy)} s busy (other processes ${seconds(otherCpu(t))} s), ${seconds(sys.idle)} s idle, ${seconds(sys.steal)} s steal`
    : "";
  return `${t.name}: server ${seconds(t.cpu.server)} s${perReq}, postgres ${seconds(t.cpu.postgres)} s, load generator ${seconds(t.cpu.loadgen)} s, in ${t.wallSeconds.toFixed(1)} s wall${machineWide}`;
}

/** One turn of a storing target: its run, what it stored, and (service) its database's figures. */
interface Turn {
  run: TargetRun;
  lossless: Lossless;
  stats?: DbStats;
  statements?: LogSummary;
}

function mergeLoads(results: LoadResult[]): LoadResult {
  return {
    sent: results.reduce((a, r) => a + r.sent, 0),
    ok: results.reduce((a, r) => a + r.ok, 0),
    failures: results.reduce((a, r) => a + r.failures, 0),
    failureSamples: results.flatMap((r) => r.failureSamples),
    okSeq: [],
    latenciesMs: results.flatMap((r) => r.latenciesMs),
    elapsedMs: results.reduce((a, r) => a + r.elapsedMs, 0),
  };
}

function sumCpu(cpus: Cpu[]): Cpu {
  const sum = (f: (c: Cpu) => number | undefined) =>
    cpus.every((c) => f(c) !== undefined) ? cpus.reduce((a, c) => a + (f(c) ?? 0), 0) : undefined;
  const busy = sum((c) => c.system?.busy);
  const idle = sum((c) => c.system?.idle);
  const steal = sum((c) => c.system?.steal);
  return {
    server: sum((c) => c.server),
    postgres: sum((c) => c.postgres),
    loadgen: cpus.reduce((a, c) => a + c.loadgen, 0),
    system: busy === undefined || idle === undefined || steal === undefined ? undefined : { busy, idle, steal },
  };
}

/** A target's turns as one run: requests, time and CPU added up, latencies pooled. */
function mergeTurns(name: string, turns: Turn[]): TargetRun {
  const measured = mergeLoads(turns.map((t) => t.run.measured));
  const worst = turns.find((t) => t.run.exit.code !== 0) ?? turns[0]!;
  return {
    name,
    summary: summarize(measured),
    cpu: sumCpu(turns.map((t) => t.run.cpu)),
    wallSeconds: turns.reduce((a, t) => a + t.run.wallSeconds, 0),
    warm: mergeLoads(turns.map((t) => t.run.warm)),
    measured,
    exit: worst.run.exit,
    stopSeconds: Math.max(...turns.map((t) => t.run.stopSeconds)),
  };
}

function mergeLossless(all: Lossless[]): Lossless {
  const byStatus: Record<string, number> = {};
  for (const l of all) for (const [k, v] of Object.entries(l.byStatus)) byStatus[k] = (byStatus[k] ?? 0) + v;
  const add = (f: (l: Lossless) => number) => all.reduce((a, l) => a + f(l), 0);
  return {
    acknowledged: add((l) => l.acknowledged),
    rows: add((l) => l.rows),
    missing: add((l) => l.missing),
    duplicates: add((l) => l.duplicates),
    unacknowledged: add((l) => l.unacknowledged),
    byStatus,
  };
}

function mergeStatements(all: (LogSummary | undefined)[]): LogSummary | undefined {
  const present = all.filter((s): s is LogSummary => s !== undefined);
  if (present.length === 0) return undefined;
  const byText = new Map<string, LogSummary["statements"][number]>();
  for (const s of present)
    for (const st of s.statements) {
      const seen = byText.get(st.statement);
      if (seen) {
        seen.count += st.count;
        seen.ms += st.ms;
      } else byText.set(st.statement, { ...st });
    }
  return {
    statements: [...byText.values()].sort((a, b) => b.ms - a.ms),
    roundTrips: present.reduce((a, s) => a + s.roundTrips, 0),
    totalMs: present.reduce((a, s) => a + s.totalMs, 0),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export async function run(): Promise<boolean> {
  const profDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;
  if (profDir) mkdirSync(profDir, { recursive: true });
  const nodeArgs = profDir ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : [];
  const running: ServerChild[] = [];
  /** The service's databases, one per round, dropped at the end like the main one. */
  const serviceDbs: string[] = [];
  let wecom: FakeWecom | undefined;
  const scratch = scratchRun(async () => {
    for (const child of running) await child.stop();
    await wecom?.close();
    for (const name of serviceDbs) await scratch.admin.unsafe(`drop database if exists ${name} with (force)`);
  });
  const { dbName, dbUrl, logDir, admin } = scratch;

  return scratch.execute(async () => {
    const [version] = await admin<{ server_version: string }[]>`show server_version`;
    console.log(`Machine: ${machine([`PostgreSQL ${version?.server_version ?? "?"}`])}`);
    console.log(
      `Load: ${CONCURRENCY} in flight; ${ROUNDS} rounds of the reference then the service, each turn a fresh process with ` +
        `${WARMUP} warm-up requests, then ${DURATION_MS / 1000} s (at most ${int(MEASURED_MAX)} unique callbacks)`,
    );
    await admin.unsafe(`create database ${dbName}`);
    if (PG_LOG) await logEveryStatement(admin, dbName);

    const perTurn = WARMUP + MEASURED_MAX;
    const t0 = performance.now();
    const cb = await prepareCallbacks(2 * ROUNDS * perTurn);
    console.log(
      `Prepared ${int(cb.requests.length)} unique signed+encrypted callbacks in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    /** Turn `k` (reference 2i, service 2i + 1) sends callbacks [k·perTurn, (k+1)·perTurn). */
    const takes = (k: number) => ({
      first: k * perTurn,
      take: (n: number) => (n < MEASURED_MAX ? cb.requests[k * perTurn + WARMUP + n] : undefined),
      warmTake: (n: number) => (n < WARMUP ? cb.requests[k * perTurn + n] : undefined),
    });

    // Baseline: the first turn's bodies (cycled; it stores nothing), same load generator.
    const baseline = await startServer({
      name: "baseline",
      script: "bench/lib/baseline-server.ts",
      cwd: ROOT,
      env: { PORT: String(await freePort()) },
      logDir,
      nodeArgs,
    });
    running.push(baseline);
    const b = await drive(
      baseline,
      dbName,
      (n) => cb.requests[WARMUP + (n % MEASURED_MAX)],
      (n) => (n < WARMUP ? cb.requests[n] : undefined),
    );
    const bStop = await stopTimed(baseline);
    running.pop();
    const baselineRun: TargetRun = { name: "baseline (bare Hono route)", summary: summarize(b.measured), ...b, ...bStop };
    console.log(`baseline done: ${int(baselineRun.summary.rps)} req/s`);

    const built = await serviceScript(ROOT);
    console.log(`service: ${built.label}`);
    wecom = await startFakeWecom(BINDING);
    const fakeWecom = wecom;
    let wecomCallsInRuns = 0;

    /** The reference, stored in a table of its own on the main scratch database. */
    const referenceTurn = async (round: number): Promise<Turn> => {
      const table = referenceTable(round);
      await withDb(dbUrl.toString(), (sql) =>
        sql.unsafe(
          `create table ${table} (id bigserial primary key, dedupe_key text not null unique, payload text not null, received_at timestamptz not null default now())`,
        ),
      );
      const reference = await startServer({
        name: `reference-${round}`,
        script: "bench/lib/reference-receiver.ts",
        cwd: ROOT,
        env: {
          PORT: String(await freePort()),
          DATABASE_URL: dbUrl.toString(),
          TOKEN: BINDING.token,
          ENCODING_AES_KEY: BINDING.encodingAesKey,
          CORP_ID: BINDING.corpId,
          TABLE: table,
        },
        logDir,
        nodeArgs,
      });
      running.push(reference);
      const { first, take, warmTake } = takes(2 * round);
      const log0 = PG_LOG ? logOffset(PG_LOG) : 0;
      const r = await drive(reference, dbName, take, warmTake);
      const statements = PG_LOG ? summarizeLog(PG_LOG, log0, logOffset(PG_LOG), dbName) : undefined;
      const lossless = await checkInbox(dbUrl.toString(), ackedIds(cb, first, r), table);
      const stop = await stopTimed(reference);
      running.pop();
      return { run: { name: "reference", summary: summarize(r.measured), ...r, ...stop }, lossless, statements };
    };

    /** The service on a fresh database of its own, with a team bound through the HTTP API. */
    const serviceTurn = async (round: number): Promise<Turn> => {
      const name = `${dbName}_s${round}`;
      serviceDbs.push(name);
      await admin.unsafe(`create database ${name}`);
      if (PG_LOG) await logEveryStatement(admin, name);
      const url = new URL(dbUrl);
      url.pathname = `/${name}`;
      const port = await freePort();
      const adminToken = randomBytes(16).toString("hex");
      const service = await startServer({
        name: `service-${round}`,
        script: built.script,
        cwd: ROOT,
        env: {
          PORT: String(port),
          DATABASE_URL: url.toString(),
          APP_SECRET: randomBytes(24).toString("hex"),
          ADMIN_TOKEN: adminToken,
          PUBLIC_URL: `http://127.0.0.1:${port}`,
          WECOM_API_BASE: fakeWecom.base,
        },
        logDir,
        nodeArgs,
      });
      running.push(service);
      await createBoundTeam(service.port, adminToken);
      const statsBefore = await dbStats(admin, name);
      const callsBefore = Object.values(fakeWecom.calls).reduce((a, c) => a + c, 0);
      const { first, take, warmTake } = takes(2 * round + 1);
      const log0 = PG_LOG ? logOffset(PG_LOG) : 0;
      const s = await drive(service, name, take, warmTake);
      const statements = PG_LOG ? summarizeLog(PG_LOG, log0, logOffset(PG_LOG), name) : undefined;
      wecomCallsInRuns += Object.values(fakeWecom.calls).reduce((a, c) => a + c, 0) - callsBefore;
      // Stored before the 200 by design, so counted straight away.
      const lossless = await checkInbox(url.toString(), ackedIds(cb, first, s));
      const stop = await stopTimed(service);
      running.pop();
      // Backends flush their statistics when they exit, which they did with the service.
      await sleep(500);
      const statsAfter = await dbStats(admin, name);
      const stats =
        statsAfter && statsBefore
          ? {
              xact: statsAfter.xact - statsBefore.xact,
              inserted: statsAfter.inserted - statsBefore.inserted,
              updated: statsAfter.updated - statsBefore.updated,
            }
          : undefined;
      return { run: { name: "service", summary: summarize(s.measured), ...s, ...stop }, lossless, stats, statements };
    };

    const referenceTurns: Turn[] = [];
    const serviceTurns: Turn[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const r = await referenceTurn(round);
      referenceTurns.push(r);
      const s = await serviceTurn(round);
      serviceTurns.push(s);
      const ratio = s.run.summary.rps / r.run.summary.rps;
      console.log(
        `round ${round + 1}: reference ${int(r.run.summary.rps)} req/s, service ${int(s.run.summary.rps)} req/s, service/reference ${ratio.toFixed(2)}`,
      );
    }
    const ratios = serviceTurns.map((s, i) => s.run.summary.rps / referenceTurns[i]!.run.summary.rps);
    const referenceRun = mergeTurns("reference (@wecom/crypto + INSERT)", referenceTurns);
    const serviceRun = mergeTurns("service (Node + PostgreSQL)", serviceTurns);
    const referenceInbox = mergeLossless(referenceTurns.map((t) => t.lossless));
    const inbox = mergeLossless(serviceTurns.map((t) => t.lossless));
    const statsAll = serviceTurns.map((t) => t.stats);
    const stats = statsAll.every((x): x is DbStats => x !== undefined)
      ? {
          xact: statsAll.reduce((a, x) => a + x.xact, 0),
          inserted: statsAll.reduce((a, x) => a + x.inserted, 0),
          updated: statsAll.reduce((a, x) => a + x.updated, 0),
        }
      : undefined;

    // Report.
    const runs = [baselineRun, referenceRun, serviceRun];
    console.log("");
    console.log(
      table(
        ["target", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "failures"],
        runs.map((r) => [
          r.name,
          int(r.summary.requests),
          int(r.summary.rps),
          ms(r.summary.p50),
          ms(r.summary.p99),
          ms(r.summary.max),
          int(r.summary.failures),
        ]),
        [false, true, true, true, true, true, true],
      ),
    );
    const ratio = median(ratios);
    const bareRatio = serviceRun.summary.rps / baselineRun.summary.rps;
    const isLossless = (l: Lossless) => l.missing === 0 && l.duplicates === 0;
    const lossless = isLossless(inbox) && isLossless(referenceInbox);
    console.log("");
    console.log(
      `Throughput ratio service/reference: median ${ratio.toFixed(2)} (rounds ${ratios.map((x) => x.toFixed(2)).join(", ")}); ` +
        `service/baseline: ${bareRatio.toFixed(3)}; reference/baseline: ${(referenceRun.summary.rps / baselineRun.summary.rps).toFixed(3)}`,
    );
    const exhausted = [...referenceTurns, ...serviceTurns].filter((t) => t.run.measured.sent >= MEASURED_MAX).length;
    if (exhausted > 0)
      console.log(`note: ${exhausted} turns used all ${int(MEASURED_MAX)} prepared callbacks before ${DURATION_MS / 1000} s`);
    for (const [name, l, where] of [
      ["service", inbox, "callback_inbox"],
      ["reference", referenceInbox, "its tables"],
    ] as const) {
      console.log(
        `Lossless ${name}: ${isLossless(l) ? "yes" : "NO"}: ${int(l.acknowledged)} callbacks acknowledged with 200 (warm-up included), ${int(l.rows)} rows in ${where}, ` +
          `${int(l.missing)} missing, ${int(l.duplicates)} duplicates, ${int(l.unacknowledged)} stored without a 200`,
      );
    }
    console.log(`Inbox rows by status right after each turn, added up: ${JSON.stringify(inbox.byStatus)}`);
    console.log(
      `Goals: median service/reference ≥ ${GOAL_RATIO}: ${ratio >= GOAL_RATIO ? "met" : "NOT met"}; nothing lost: ${lossless ? "met" : "NOT met"}; ` +
        `p99 ≤ ${GOAL_P99_MS} ms: ${serviceRun.summary.p99 <= GOAL_P99_MS ? "met" : "NOT met"} (${ms(serviceRun.summary.p99)} ms)`,
    );
    console.log("");
    console.log(
      `CPU seconds during the measured runs, turns added up (${os.cpus().length} cores = ${os.cpus().length} CPU-seconds per wall second):`,
    );
    for (const r of runs) console.log(`  ${cpuLine(r)}`);
    const noisy = runs.filter((r) => (otherCpu(r) ?? 0) + (r.cpu.system?.steal ?? 0) > 0.1 * os.cpus().length * r.wallSeconds);
    if (noisy.length > 0)
      console.log(
        `  Warning: other processes or the hypervisor took over 10 % of the machine during ${noisy.map((r) => r.name).join(", ")}: numbers are noisy, rerun on a quiet machine`,
      );
    if (stats) {
      console.log(
        `PostgreSQL, the service's turns from the bound team to exit: ${int(stats.xact)} transactions (${(stats.xact / Math.max(1, inbox.rows)).toFixed(2)} per stored callback), ` +
          `${int(stats.inserted)} rows inserted, ${int(stats.updated)} updated`,
      );
    }
    console.log(
      `Fake WeCom API calls: ${JSON.stringify(fakeWecom.calls)} (${wecomCallsInRuns} during the service's warm-ups and measured runs)`,
    );
    console.log(
      `Shutdown: baseline exit ${bStop.exit.code ?? bStop.exit.signal} in ${bStop.stopSeconds.toFixed(1)} s; ` +
        `reference exit ${referenceRun.exit.code ?? referenceRun.exit.signal} in at most ${referenceRun.stopSeconds.toFixed(1)} s; ` +
        `service exit ${serviceRun.exit.code ?? serviceRun.exit.signal} in at most ${serviceRun.stopSeconds.toFixed(1)} s (drains deferred inbox processing)`,
    );
    console.log(`Machine: ${machine([`PostgreSQL ${version?.server_version ?? "?"}`])}`);
    if (profDir) console.log(`CPU profiles (.cpuprofile) in ${profDir}`);
    const referenceStatements = mergeStatements(referenceTurns.map((t) => t.statements));
    const serviceStatements = mergeStatements(serviceTurns.map((t) => t.statements));
    if (referenceStatements) printLogSummary("the reference's turns", referenceStatements);
    if (serviceStatements) printLogSummary("the service's turns", serviceStatements);

    const failures: string[] = [];
    for (const r of runs) {
      const failed = r.warm.failures + r.measured.failures;
      if (failed > 0)
        failures.push(
          `${r.name}: ${failed} failed requests, e.g. ${[...r.warm.failureSamples, ...r.measured.failureSamples].slice(0, 3).join("; ")}`,
        );
      if (r.exit.code !== 0) failures.push(`${r.name}: exited with ${r.exit.code ?? r.exit.signal} instead of 0`);
    }
    for (const [name, l] of [
      ["service", inbox],
      ["reference", referenceInbox],
    ] as const) {
      if (!isLossless(l)) failures.push(`${name}: ${int(l.missing)} acknowledged callbacks not stored, ${int(l.duplicates)} duplicates`);
    }
    return failures;
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = (await run()) ? 0 : 1;
