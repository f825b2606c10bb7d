// callback-ingest: unique signed and encrypted WeCom callback POSTs at concurrency 32, in one run,
// against a bare Hono route that answers 200, against the reference receiver a user would write
// instead (bench/lib/reference-receiver.ts: @wecom/crypto, fast-xml-parser, one INSERT per
// callback), and against the real Node service on PostgreSQL. Reports throughput, p50/p99/max
// latency, the service/reference and service/baseline throughput ratios, and checks that every
// callback acknowledged with a 200 is stored afterwards (once, no duplicates), by the service in
// callback_inbox and by the reference in a table of its own.
// Goals (informational, never asserted): service/reference ≥ 1.5, nothing lost, p99 ≤ 50 ms.
// The run fails (exit 1) only for lost callbacks, failed requests or an unclean server exit.
//
//   npm run bench callback-ingest
//   DATABASE_URL=postgres://… npm run bench callback-ingest   (server to create the scratch db on)
//   BENCH_CPU_PROF=/tmp/prof npm run bench callback-ingest   (--cpu-prof every server into that dir)
//   BENCH_INGEST_SECONDS=5 npm run bench callback-ingest     (measured seconds per target, default 10)
//   BENCH_INGEST_CONCURRENCY=8 npm run bench callback-ingest (requests in flight, default 32)
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

const ROOT = fileURLToPath(new URL("..", import.meta.url));

const CONCURRENCY = envInt("BENCH_INGEST_CONCURRENCY", 32);
/** Requests per target before measuring (JIT, connection pools, sockets). */
const WARMUP = 500;
/** Measured run per target; the reference and service runs also end when their unique callbacks run out. */
const DURATION_MS = Number(process.env.BENCH_INGEST_SECONDS ?? 10) * 1000;
/** Unique callbacks for each storing target's measured run (the baseline cycles through the same bodies). */
const MEASURED_MAX = 30_000;
/** The reference receiver's table on the scratch database. */
const REFERENCE_TABLE = "reference_inbox";

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

/** Rows stored by the service (`callback_inbox`) or the reference (REFERENCE_TABLE, no status). */
function checkInbox(dbUrl: string, acked: Set<string>, target: "service" | "reference"): Promise<Lossless> {
  return withDb(dbUrl, async (sql) => {
    const rows =
      target === "service"
        ? await sql<{ dedupe_key: string; status: string }[]>`
      select i.dedupe_key, i.status from callback_inbox i join teams t on t.id = i.team_id where t.slug = ${SLUG}`
        : await sql<{ dedupe_key: string; status: string }[]>`select dedupe_key, 'stored' as status from ${sql(REFERENCE_TABLE)}`;
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

/** The MsgIds of the warm-up and measured callbacks a storing target answered 200. */
function ackedIds(cb: Callbacks, run: { warm: LoadResult; measured: LoadResult }): Set<string> {
  const acked = new Set<string>();
  for (const n of run.warm.okSeq) acked.add(cb.msgIds[n] ?? "");
  for (const n of run.measured.okSeq) acked.add(cb.msgIds[WARMUP + n] ?? "");
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

export async function run(): Promise<boolean> {
  const profDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;
  if (profDir) mkdirSync(profDir, { recursive: true });
  const nodeArgs = profDir ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : [];
  const running: ServerChild[] = [];
  let wecom: FakeWecom | undefined;
  const scratch = scratchRun(async () => {
    for (const child of running) await child.stop();
    await wecom?.close();
  });
  const { dbName, dbUrl, logDir, admin } = scratch;

  return scratch.execute(async () => {
    const [version] = await admin<{ server_version: string }[]>`show server_version`;
    console.log(`Machine: ${machine([`PostgreSQL ${version?.server_version ?? "?"}`])}`);
    console.log(
      `Load: ${CONCURRENCY} in flight, warm-up ${WARMUP} requests, then ${DURATION_MS / 1000} s per target (service: at most ${int(MEASURED_MAX)} unique callbacks)`,
    );
    await admin.unsafe(`create database ${dbName}`);

    let t0 = performance.now();
    const cb = await prepareCallbacks(WARMUP + MEASURED_MAX);
    console.log(
      `Prepared ${int(cb.requests.length)} unique signed+encrypted callbacks in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const total = cb.requests.length;

    // Baseline: the same bodies (cycled; it stores nothing), same load generator.
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
      (n) => cb.requests[(WARMUP + n) % total],
      (n) => (n < WARMUP ? cb.requests[n] : undefined),
    );
    const bStop = await stopTimed(baseline);
    running.pop();
    const baselineRun: TargetRun = { name: "baseline (bare Hono route)", summary: summarize(b.measured), ...b, ...bStop };
    console.log(`baseline done: ${int(baselineRun.summary.rps)} req/s`);

    // Reference: the same unique callbacks as the service, stored in a table of its own.
    await withDb(dbUrl.toString(), (sql) =>
      sql.unsafe(
        `create table ${REFERENCE_TABLE} (id bigserial primary key, dedupe_key text not null unique, payload text not null, received_at timestamptz not null default now())`,
      ),
    );
    const reference = await startServer({
      name: "reference",
      script: "bench/lib/reference-receiver.ts",
      cwd: ROOT,
      env: {
        PORT: String(await freePort()),
        DATABASE_URL: dbUrl.toString(),
        TOKEN: BINDING.token,
        ENCODING_AES_KEY: BINDING.encodingAesKey,
        CORP_ID: BINDING.corpId,
        TABLE: REFERENCE_TABLE,
      },
      logDir,
      nodeArgs,
    });
    running.push(reference);
    const r = await drive(
      reference,
      dbName,
      (n) => cb.requests[WARMUP + n],
      (n) => (n < WARMUP ? cb.requests[n] : undefined),
    );
    const referenceInbox = await checkInbox(dbUrl.toString(), ackedIds(cb, r), "reference");
    const rStop = await stopTimed(reference);
    running.pop();
    const referenceRun: TargetRun = { name: "reference (@wecom/crypto + INSERT)", summary: summarize(r.measured), ...r, ...rStop };
    console.log(`reference done: ${int(referenceRun.summary.rps)} req/s`);
    if (r.measured.sent >= MEASURED_MAX)
      console.log(`note: the reference used all ${int(MEASURED_MAX)} prepared callbacks before ${DURATION_MS / 1000} s`);
    // Backends flush their statistics when they exit: the service's figures are counted from here.
    await sleep(500);
    const statsBefore = await dbStats(admin, dbName);

    const built = await serviceScript(ROOT);
    console.log(`service: ${built.label}`);
    // The service on a fresh PostgreSQL database, with a team bound through the HTTP API (the
    // binding's live credential check goes to a local fake WeCom API).
    wecom = await startFakeWecom(BINDING);
    const servicePort = await freePort();
    const adminToken = randomBytes(16).toString("hex");
    t0 = performance.now();
    const service = await startServer({
      name: "service",
      script: built.script,
      cwd: ROOT,
      env: {
        PORT: String(servicePort),
        DATABASE_URL: dbUrl.toString(),
        APP_SECRET: randomBytes(24).toString("hex"),
        ADMIN_TOKEN: adminToken,
        PUBLIC_URL: `http://127.0.0.1:${servicePort}`,
        WECOM_API_BASE: wecom.base,
      },
      logDir,
      nodeArgs,
    });
    running.push(service);
    console.log(`service listening after ${((performance.now() - t0) / 1000).toFixed(1)} s (migrations included)`);
    await createBoundTeam(service.port, adminToken);
    const wecomCallsAtSetup = Object.values(wecom.calls).reduce((a, b) => a + b, 0);
    const s = await drive(
      service,
      dbName,
      (n) => cb.requests[WARMUP + n],
      (n) => (n < WARMUP ? cb.requests[n] : undefined),
    );

    // Stored before the 200 by design, so counted straight away.
    const inbox = await checkInbox(dbUrl.toString(), ackedIds(cb, s), "service");
    const wecomCallsInRun = Object.values(wecom.calls).reduce((a, b) => a + b, 0) - wecomCallsAtSetup;

    const sStop = await stopTimed(service);
    running.pop();
    const serviceRun: TargetRun = { name: "service (Node + PostgreSQL)", summary: summarize(s.measured), ...s, ...sStop };
    if (s.measured.sent >= MEASURED_MAX)
      console.log(`note: the service used all ${int(MEASURED_MAX)} prepared callbacks before ${DURATION_MS / 1000} s`);

    // Backends flush their statistics when they exit, which they did with the service.
    await sleep(500);
    const statsAfter = await dbStats(admin, dbName);
    const stats =
      statsAfter && statsBefore
        ? {
            xact: statsAfter.xact - statsBefore.xact,
            inserted: statsAfter.inserted - statsBefore.inserted,
            updated: statsAfter.updated - statsBefore.updated,
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
    const ratio = serviceRun.summary.rps / referenceRun.summary.rps;
    const bareRatio = serviceRun.summary.rps / baselineRun.summary.rps;
    const isLossless = (l: Lossless) => l.missing === 0 && l.duplicates === 0;
    const lossless = isLossless(inbox) && isLossless(referenceInbox);
    console.log("");
    console.log(
      `Throughput ratio service/reference: ${ratio.toFixed(2)}; service/baseline: ${bareRatio.toFixed(3)}; reference/baseline: ${(referenceRun.summary.rps / baselineRun.summary.rps).toFixed(3)}`,
    );
    for (const [name, l, table] of [
      ["service", inbox, "callback_inbox"],
      ["reference", referenceInbox, REFERENCE_TABLE],
    ] as const) {
      console.log(
        `Lossless ${name}: ${isLossless(l) ? "yes" : "NO"}: ${int(l.acknowledged)} callbacks acknowledged with 200 (warm-up included), ${int(l.rows)} rows in ${table}, ` +
          `${int(l.missing)} missing, ${int(l.duplicates)} duplicates, ${int(l.unacknowledged)} stored without a 200`,
      );
    }
    console.log(`Inbox rows by status right after the run: ${JSON.stringify(inbox.byStatus)}`);
    console.log(
      `Goals: service/reference ≥ ${GOAL_RATIO}: ${ratio >= GOAL_RATIO ? "met" : "NOT met"}; nothing lost: ${lossless ? "met" : "NOT met"}; ` +
        `p99 ≤ ${GOAL_P99_MS} ms: ${serviceRun.summary.p99 <= GOAL_P99_MS ? "met" : "NOT met"} (${ms(serviceRun.summary.p99)} ms)`,
    );
    console.log("");
    console.log(`CPU seconds during the measured runs (${os.cpus().length} cores = ${os.cpus().length} CPU-seconds per wall second):`);
    for (const r of runs) console.log(`  ${cpuLine(r)}`);
    const noisy = runs.filter((r) => (otherCpu(r) ?? 0) + (r.cpu.system?.steal ?? 0) > 0.1 * os.cpus().length * r.wallSeconds);
    if (noisy.length > 0)
      console.log(
        `  Warning: other processes or the hypervisor took over 10 % of the machine during ${noisy.map((r) => r.name).join(", ")}: numbers are noisy, rerun on a quiet machine`,
      );
    if (stats) {
      console.log(
        `PostgreSQL, whole service lifetime: ${int(stats.xact)} transactions (${(stats.xact / Math.max(1, inbox.rows)).toFixed(2)} per stored callback), ` +
          `${int(stats.inserted)} rows inserted, ${int(stats.updated)} updated`,
      );
    }
    console.log(`Fake WeCom API calls: ${JSON.stringify(wecom.calls)} (${wecomCallsInRun} during warm-up and measured run)`);
    console.log(
      `Shutdown: baseline exit ${bStop.exit.code ?? bStop.exit.signal} in ${bStop.stopSeconds.toFixed(1)} s; ` +
        `reference exit ${rStop.exit.code ?? rStop.exit.signal} in ${rStop.stopSeconds.toFixed(1)} s; service exit ${sStop.exit.code ?? sStop.exit.signal} in ${sStop.stopSeconds.toFixed(1)} s (drains deferred inbox processing)`,
    );
    console.log(`Machine: ${machine([`PostgreSQL ${version?.server_version ?? "?"}`])}`);
    if (profDir) console.log(`CPU profiles (.cpuprofile) in ${profDir}`);

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
