// import: a full import of a WeCom emulator org of 2,000 departments and 100,000 members by the
// real Node service on PostgreSQL, then an unchanged re-sync, against a baseline in the same run:
// the same WeCom pages fetched with plain fetch (5 in flight) and one bulk insert of the merged
// rows. Reports import and re-sync time, the service's peak RSS (VmHWM), the WeCom calls made,
// the job's counts, the time per job phase, and proves the re-sync wrote no row.
// Goals (informational, never asserted): import ≤ 2× the baseline, peak RSS < 256 MiB, unchanged
// re-sync ≤ 0.35 × the import time with zero row writes.
// The run fails (exit 1) only when something is wrong: a job failed or needs confirmation, the
// mirror differs from the org, the re-sync wrote rows, or a server did not exit cleanly.
//
//   npm run bench import
//   DATABASE_URL=postgres://… npm run bench import      (server to create the scratch db on)
//   BENCH_CPU_PROF=/tmp/prof npm run bench import       (--cpu-prof the service and the emulator)
//   BENCH_IMPORT_DEPARTMENTS=200 BENCH_IMPORT_USERS=10000 npm run bench import   (a smaller org)
//   BENCH_WECOM_BUDGET_PER_MINUTE=10000 npm run bench import   (the service's WeCom budget: WeCom's own limit)
//   BENCH_BASELINE_HTTP=node npm run bench import       (the baseline fetches with the service's node:http transport, not fetch)
//   BENCH_SERVICE_NODE_ARGS=--trace-gc BENCH_KEEP_LOGS=1 npm run bench import   (profiling the service's memory)
//   BENCH_PG_LOG=/var/log/postgresql/postgresql-15-main.log npm run bench import
//     (profiling, needs a superuser and that log readable: logs every statement of the scratch
//      database and prints the costliest per run; the logging itself slows the runs down)
//   BENCH_PG_EXPLAIN_MS=30 BENCH_PG_LOG=… npm run bench import
//     (also auto_explain: the plan of every statement slower than 30 ms goes to that log)
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import postgres from "postgres";
import { EMULATOR_BINDING as BINDING, envInt } from "./lib/env";
import { nodeHttpSend } from "../src/entry/node-http-send";
import { mapLimit } from "../src/services/directory/steps";
import { freePort, startServer, type ServerChild } from "./lib/child";
import { serviceScript } from "./lib/service-script";
import { cpuSecondsByName, selfCpuSeconds, systemCpu, type SystemCpu } from "./lib/proc";
import { logEveryStatement, logOffset, printLogSummary, summarizeLog, type LogSummary } from "./lib/pg-log";
import { busiestProcesses, mib, procMemory, type ProcMemory } from "./lib/proc-status";
import { scratchRun } from "./lib/scratch";
import { announceMachine, int, table } from "./lib/report";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

const ORG = { departments: envInt("BENCH_IMPORT_DEPARTMENTS", 2000), users: envInt("BENCH_IMPORT_USERS", 100_000), seed: 1 };

const SLUG = "bench";
/** How often the job is polled, as a console would. */
const POLL_MS = 250;
const JOB_TIMEOUT_MS = 20 * 60_000;
/** user/list pages in flight, as the service (docs/wecom.md#rate-limits). */
const IN_FLIGHT = 5;
/** user/list pages fetched once before anything is timed, so no run pays for the emulator's JIT. */
const EMULATOR_WARMUP_PAGES = 50;
/** Parameters per statement: PostgreSQL allows 65,535, postgres.js fewer than 65,534. */
const MAX_PARAMS = 65_533;
/**
 * A backend that flushed its statistics less than 1 s ago holds new ones until it has been idle
 * for 10 s (PostgreSQL 15, PGSTAT_IDLE_INTERVAL); backends that exit flush at once.
 */
const STATS_SETTLE_MS = 11_000;

/**
 * The service counts WeCom calls per calendar minute (5,000 per API by default) and reserves them
 * in chunks of 20, several chunks at once when 5 calls are in flight: a run of 2,001 user/list
 * calls counts about 4,000. An import and a re-sync in the same minute would then go over and
 * the re-sync would wait for the next minute, which times the budget, not the re-sync.
 */
const untilNextMinute = () => 60_000 - (Date.now() % 60_000) + 500;

const GOAL_IMPORT_RATIO = 2;
const GOAL_RSS_MIB = 256;
const GOAL_RESYNC_RATIO = 0.35;

// ---------------------------------------------------------------------------------------------
// HTTP

interface JobCounts {
  departments: { created: number; updated: number; moved: number; deleted: number };
  members: { created: number; updated: number; moved: number; deprovisioned: number };
}

interface JobView {
  id: number;
  state: "queued" | "running" | "needs_confirmation" | "succeeded" | "failed" | "cancelled";
  progress: { phase: string; done: number; total: number };
  counts: JobCounts;
  partial: boolean;
  breaker?: unknown;
  skippedDeprovisions?: string;
  error?: { code: string; message: string; errcode?: number; api?: string };
  createdAt: string;
  finishedAt: string | null;
}

async function http<T>(
  base: string,
  method: string,
  path: string,
  o: { token?: string; body?: unknown; expect?: number[] } = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${base}${path}`, { method, headers, ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }) });
  const text = await res.text();
  if (!(o.expect ?? [200]).includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * The baseline's HTTP client: plain fetch, or with BENCH_BASELINE_HTTP=node the transport the
 * service itself uses on Node (src/entry/node-http-send.ts), to compare on equal clients.
 */
let baselineHttp: ReturnType<typeof nodeHttpSend> | undefined;
const baselineOnNodeHttp = () => process.env.BENCH_BASELINE_HTTP === "node";
const baselineClient = () => (baselineOnNodeHttp() ? "node:http (as the service)" : "fetch");

/** One WeCom API call as a plain client makes it: GET, JSON, errcode 0 or an error. */
async function wecomGet<T>(base: string, api: string, query: Record<string, string | number>): Promise<T> {
  const url = new URL(`/cgi-bin/${api}`, base);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
  let status: number;
  let body: unknown;
  if (baselineOnNodeHttp()) {
    const answer = await (baselineHttp ??= nodeHttpSend()).send({ method: "GET", url: url.toString(), headers: {}, timeoutMs: 30_000 });
    status = answer.status;
    body = status === 200 ? JSON.parse(answer.text) : undefined;
  } else {
    const res = await fetch(url);
    status = res.status;
    body = res.ok ? await res.json() : undefined;
  }
  if (status !== 200) throw new Error(`${api}: HTTP ${status}`);
  const json = body as T & { errcode?: number; errmsg?: string };
  if ((json.errcode ?? 0) !== 0) throw new Error(`${api}: errcode ${json.errcode} ${json.errmsg ?? ""}`);
  return json;
}

type CallCounts = Record<string, number>;

async function emulatorCalls(emu: string, reset: boolean): Promise<CallCounts> {
  const { counts } = await http<{ counts: CallCounts }>(emu, "GET", "/_emulator/calls");
  if (reset) await http(emu, "DELETE", "/_emulator/calls");
  return counts;
}

const callsText = (c: CallCounts) =>
  Object.entries(c)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([api, n]) => `${api} ${int(n)}`)
    .join(", ") || "none";
const totalCalls = (c: CallCounts) => Object.values(c).reduce((a, b) => a + b, 0);

// ---------------------------------------------------------------------------------------------
// CPU, memory, noise

interface Cpu {
  service?: number;
  emulator?: number;
  postgres?: number;
  bench: number;
  system?: SystemCpu;
}

function cpuNow(service: ServerChild, emulator: ServerChild): Cpu {
  return {
    service: service.cpuSeconds(),
    emulator: emulator.cpuSeconds(),
    postgres: cpuSecondsByName("postgres"),
    bench: selfCpuSeconds(),
    system: systemCpu(),
  };
}

function cpuDelta(a: Cpu, b: Cpu): Cpu {
  const d = (x?: number, y?: number) => (x === undefined || y === undefined ? undefined : y - x);
  const system =
    a.system && b.system
      ? { busy: b.system.busy - a.system.busy, idle: b.system.idle - a.system.idle, steal: b.system.steal - a.system.steal }
      : undefined;
  return {
    service: d(a.service, b.service),
    emulator: d(a.emulator, b.emulator),
    postgres: d(a.postgres, b.postgres),
    bench: b.bench - a.bench,
    system,
  };
}

/** Busy CPU of the machine not used by the service, the emulator, PostgreSQL or this process. */
function otherCpu(c: Cpu): number | undefined {
  if (!c.system || c.postgres === undefined) return undefined;
  return Math.max(0, c.system.busy - (c.service ?? 0) - (c.emulator ?? 0) - c.postgres - c.bench);
}

const sec = (v?: number, digits = 1) => (v === undefined ? "?" : v.toFixed(digits));

function cpuText(c: Cpu, wall: number): string {
  const sys = c.system;
  return (
    `service ${sec(c.service)} s, PostgreSQL ${sec(c.postgres)} s, emulator ${sec(c.emulator)} s, bench ${sec(c.bench)} s` +
    (sys
      ? `; machine ${sec(sys.busy)} s busy (other processes ${sec(otherCpu(c))} s), ${sec(sys.idle)} s idle, ${sec(sys.steal)} s steal`
      : "") +
    ` — in ${wall.toFixed(1)} s wall`
  );
}

function noisy(c: Cpu, wall: number): boolean {
  return (otherCpu(c) ?? 0) + (c.system?.steal ?? 0) > 0.1 * os.cpus().length * wall;
}

// ---------------------------------------------------------------------------------------------
// Database checks

interface TableStats {
  ins: number;
  upd: number;
  del: number;
}
type StatsByTable = Record<string, TableStats>;

interface DbStats {
  xact: number;
  tables: StatsByTable;
}

async function dbStats(sql: postgres.Sql, dbName: string): Promise<DbStats> {
  await sql`select pg_stat_clear_snapshot()`;
  const [db] = await sql<{ xact: string }[]>`select xact_commit + xact_rollback as xact from pg_stat_database where datname = ${dbName}`;
  const rows = await sql<{ relname: string; ins: string; upd: string; del: string }[]>`
    select relname, n_tup_ins as ins, n_tup_upd as upd, n_tup_del as del from pg_stat_user_tables`;
  const tables: StatsByTable = {};
  for (const r of rows) tables[r.relname] = { ins: Number(r.ins), upd: Number(r.upd), del: Number(r.del) };
  return { xact: Number(db?.xact ?? 0), tables };
}

function statsDelta(a: DbStats, b: DbStats): DbStats {
  const tables: StatsByTable = {};
  for (const [name, t] of Object.entries(b.tables)) {
    const s = a.tables[name] ?? { ins: 0, upd: 0, del: 0 };
    const d = { ins: t.ins - s.ins, upd: t.upd - s.upd, del: t.del - s.del };
    if (d.ins || d.upd || d.del) tables[name] = d;
  }
  return { xact: b.xact - a.xact, tables };
}

const writes = (s: DbStats, name: string) => {
  const t = s.tables[name];
  return t ? t.ins + t.upd + t.del : 0;
};

/** Calls the service has counted against its per-minute user/list budget so far (all windows). */
async function budgetCounted(sql: postgres.Sql): Promise<number> {
  const [r] = await sql<{ n: string | null }[]>`select sum(calls) as n from wecom_rate_windows where api = 'user/list/min'`;
  return Number(r?.n ?? 0);
}

/** Row count and a digest of every row version (id and xmin): any write changes it. */
interface MirrorSnapshot {
  members: number;
  departments: number;
  membersDigest: string;
  departmentsDigest: string;
  audit: number;
}

async function mirrorSnapshot(sql: postgres.Sql, teamId: number): Promise<MirrorSnapshot> {
  const [m] = await sql<{ n: number; digest: string | null }[]>`
    select count(*)::int as n, md5(string_agg(id::text || ':' || xmin::text, ',' order by id)) as digest from members where team_id = ${teamId}`;
  const [d] = await sql<{ n: number; digest: string | null }[]>`
    select count(*)::int as n, md5(string_agg(id::text || ':' || xmin::text, ',' order by id)) as digest from departments where team_id = ${teamId}`;
  const [a] = await sql<{ n: number }[]>`select count(*)::int as n from audit_log where team_id = ${teamId}`;
  return {
    members: m?.n ?? 0,
    departments: d?.n ?? 0,
    membersDigest: m?.digest ?? "",
    departmentsDigest: d?.digest ?? "",
    audit: a?.n ?? 0,
  };
}

/** Rows where the service's mirror and the baseline's plain tables disagree (0 and 0 = same content). */
async function mirrorVsBaseline(sql: postgres.Sql, teamId: number): Promise<{ members: number; departments: number }> {
  const [m] = await sql<{ n: number }[]>`
    select count(*)::int as n
    from (select * from members where team_id = ${teamId}) m
    full join baseline_members b on b.user_key = m.wecom_user_key
    where m.id is null or b.user_key is null
       or m.wecom_user_id is distinct from b.user_id or m.name is distinct from b.name
       or m.department_ids is distinct from b.department_ids or m.main_department_id is distinct from b.main_department
       or m.position is distinct from b.position or m.wecom_status is distinct from b.status`;
  const [d] = await sql<{ n: number }[]>`
    select count(*)::int as n
    from (select * from departments where team_id = ${teamId}) m
    full join baseline_departments b on b.id = m.id
    where m.id is null or b.id is null or m.name is distinct from b.name or m.parent_id is distinct from b.parent_id or m."order" is distinct from b."order"`;
  return { members: m?.n ?? -1, departments: d?.n ?? -1 };
}

// ---------------------------------------------------------------------------------------------
// Baseline: the same pages with plain fetch, merged in memory, one bulk insert

interface WecomDept {
  id: number;
  name: string;
  parentid: number;
  order: number;
}
interface WecomUser {
  userid: string;
  name: string;
  department: number[];
  main_department?: number;
  position?: string;
  status?: number;
}
interface BaselineMember {
  user_key: string;
  user_id: string;
  name: string;
  department_ids: number[];
  main_department: number | null;
  position: string | null;
  status: number | null;
}

interface Baseline {
  fetchSeconds: number;
  insertSeconds: number;
  departments: number;
  members: number;
  pages: number;
  calls: CallCounts;
  cpuFetch: Cpu;
  cpuInsert: Cpu;
  insertStatements: number;
}

async function runBaseline(emu: string, dbUrl: string, service: ServerChild, emulator: ServerChild): Promise<Omit<Baseline, "calls">> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`create table baseline_departments (id bigint primary key, name text not null, parent_id bigint not null, "order" bigint not null)`;
    await sql`create table baseline_members (user_key text primary key, user_id text not null, name text not null, department_ids jsonb not null, main_department bigint, position text, status int)`;

    // Fetch, as the import does: gettoken, department/list, user/list per department (≤ 5 in flight).
    let c0 = cpuNow(service, emulator);
    let t0 = performance.now();
    const { access_token: token } = await wecomGet<{ access_token: string }>(emu, "gettoken", {
      corpid: BINDING.corpId,
      corpsecret: BINDING.secret,
    });
    const { department } = await wecomGet<{ department: WecomDept[] }>(emu, "department/list", { access_token: token });
    const visible = new Set(department.map((d) => d.id));
    const ids = [...visible].sort((a, b) => a - b);
    const byKey = new Map<string, BaselineMember>();
    await mapLimit(ids, IN_FLIGHT, async (id) => {
      const { userlist } = await wecomGet<{ userlist: WecomUser[] }>(emu, "user/list", { access_token: token, department_id: id });
      for (const u of userlist) {
        if (u.status === 5) continue; // left the corp: absent, as the service treats it
        const key = u.userid.toLowerCase();
        const deps = [...new Set(u.department.filter((d) => visible.has(d)))].sort((a, b) => a - b);
        const had = byKey.get(key);
        if (had) had.department_ids = [...new Set([...had.department_ids, ...deps])];
        else {
          byKey.set(key, {
            user_key: key,
            user_id: u.userid,
            name: u.name,
            department_ids: deps,
            main_department: u.main_department !== undefined && visible.has(u.main_department) ? u.main_department : (deps[0] ?? null),
            position: u.position || null,
            status: u.status ?? null,
          });
        }
      }
    });
    const rows = [...byKey.values()];
    for (const r of rows) r.department_ids.sort((a, b) => a - b);
    const fetchSeconds = (performance.now() - t0) / 1000;
    const cpuFetch = cpuDelta(c0, cpuNow(service, emulator));

    // One bulk insert: one transaction, statements as large as the parameter limit allows.
    const deptRows = department.map((d) => ({ id: d.id, name: d.name, parent_id: d.parentid, order: d.order }));
    const perStatement = Math.floor(MAX_PARAMS / 7);
    let statements = 0;
    c0 = cpuNow(service, emulator);
    t0 = performance.now();
    await sql.begin(async (tx) => {
      for (let i = 0; i < deptRows.length; i += Math.floor(MAX_PARAMS / 4), statements++) {
        await tx`insert into baseline_departments ${tx(deptRows.slice(i, i + Math.floor(MAX_PARAMS / 4)))}`;
      }
      for (let i = 0; i < rows.length; i += perStatement, statements++) {
        await tx`insert into baseline_members ${tx(rows.slice(i, i + perStatement))}`;
      }
    });
    const insertSeconds = (performance.now() - t0) / 1000;
    const cpuInsert = cpuDelta(c0, cpuNow(service, emulator));
    return {
      fetchSeconds,
      insertSeconds,
      departments: deptRows.length,
      members: rows.length,
      pages: ids.length,
      cpuFetch,
      cpuInsert,
      insertStatements: statements,
    };
  } finally {
    // Ending the connection also flushes its statistics (see STATS_SETTLE_MS).
    await sql.end();
  }
}

// ---------------------------------------------------------------------------------------------
// The service's sync job

interface PhaseTime {
  phase: string;
  /** Seconds after the POST when a poll first saw this phase. */
  from: number;
  /** Largest VmRSS seen by a poll during this phase, in KiB. */
  maxRssKiB: number;
}

interface SyncRun {
  job: JobView;
  seconds: number;
  jobSeconds: number;
  phases: PhaseTime[];
  calls: CallCounts;
  cpu: Cpu;
  memory?: ProcMemory;
}

async function runSync(svc: string, adminToken: string, emu: string, service: ServerChild, emulator: ServerChild): Promise<SyncRun> {
  const c0 = cpuNow(service, emulator);
  const t0 = performance.now();
  const started = await http<{ job: JobView }>(svc, "POST", `/api/teams/${SLUG}/sync`, { token: adminToken, expect: [202] });
  let job = started.job;
  const phases: PhaseTime[] = [];
  const seen = (j: JobView) => {
    const at = (performance.now() - t0) / 1000;
    const rss = procMemory(service.pid)?.rssKiB ?? 0;
    const last = phases[phases.length - 1];
    if (last?.phase !== j.progress.phase) phases.push({ phase: j.progress.phase, from: at, maxRssKiB: rss });
    else last.maxRssKiB = Math.max(last.maxRssKiB, rss);
  };
  seen(job);
  while (job.state !== "succeeded") {
    if (job.state === "failed" || job.state === "needs_confirmation" || job.state === "cancelled") {
      throw new Error(
        `sync job ${job.id} ended in ${job.state}: ${JSON.stringify({ progress: job.progress, error: job.error, breaker: job.breaker, counts: job.counts })}`,
      );
    }
    if (performance.now() - t0 > JOB_TIMEOUT_MS)
      throw new Error(`sync job ${job.id} not done after ${JOB_TIMEOUT_MS / 60_000} min: ${JSON.stringify(job.progress)}`);
    await sleep(POLL_MS);
    job = await http<JobView>(svc, "GET", `/api/teams/${SLUG}/jobs/${job.id}`, { token: adminToken });
    seen(job);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuDelta(c0, cpuNow(service, emulator));
  const memory = procMemory(service.pid);
  const calls = await emulatorCalls(emu, true);
  const jobSeconds = job.finishedAt ? (Date.parse(job.finishedAt) - Date.parse(job.createdAt)) / 1000 : Number.NaN;
  return { job, seconds, jobSeconds, phases, calls, cpu, memory };
}

/** A job's phases in the order it runs them (src/db/schema/sync.ts). */
const PHASES = ["queued", "scope", "departments", "members", "plan", "verify", "apply", "deprovision", "done"];

/** "members 3.2 s, plan 0.3 s, …": each phase from the first poll that saw it to the next one's. */
function phaseRows(run: SyncRun): { phase: string; seconds: number; maxRssKiB: number }[] {
  return run.phases.map((p, i) => ({ phase: p.phase, seconds: (run.phases[i + 1]?.from ?? run.seconds) - p.from, maxRssKiB: p.maxRssKiB }));
}

// Explicit keys: the counts come back from a jsonb column, which orders keys its own way.
const deptCounts = (c: JobCounts) => `${c.departments.created}/${c.departments.updated}/${c.departments.moved}/${c.departments.deleted}`;
const memberCounts = (c: JobCounts) => `${c.members.created}/${c.members.updated}/${c.members.moved}/${c.members.deprovisioned}`;
const countsText = (c: JobCounts) => `departments ${deptCounts(c)}, members ${memberCounts(c)}`;

function logLines(file: string): { warn: number; error: number; samples: string[] } {
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    // no log
  }
  const out = { warn: 0, error: 0, samples: [] as string[] };
  for (const line of text.split("\n")) {
    const level = /"level":"(warn|error)"/.exec(line)?.[1];
    if (level === "warn") out.warn++;
    if (level === "error") out.error++;
    if (level && out.samples.length < 3) out.samples.push(line.slice(0, 300));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

export async function run(): Promise<boolean> {
  const profDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;
  if (profDir) mkdirSync(profDir, { recursive: true });
  const nodeArgs = profDir ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : [];
  // Profiling only: extra flags for the service's Node (e.g. --trace-gc), logs kept afterwards.
  const serviceArgs = [...nodeArgs, ...(process.env.BENCH_SERVICE_NODE_ARGS ?? "").split(" ").filter(Boolean)];
  const pgLog = process.env.BENCH_PG_LOG ? resolve(process.env.BENCH_PG_LOG) : undefined;
  let bench: postgres.Sql | undefined;
  const running: ServerChild[] = [];
  const scratch = scratchRun(async () => {
    for (const child of running.reverse()) await child.stop();
    await bench?.end();
  });
  const { dbName, dbUrl, logDir, admin } = scratch;

  try {
    const machineLine = await announceMachine(admin);
    const idle0 = systemCpu();
    const busiest = await busiestProcesses(1000);
    const idle1 = systemCpu();
    if (idle0 && idle1) {
      const busy = (idle1.busy - idle0.busy) / os.cpus().length;
      const who = busiest.map((p) => `${p.pid} ${p.name} ${(p.seconds * 100).toFixed(0)} %`).join("; ");
      console.log(
        `Machine before the run: ${(busy * 100).toFixed(0)} % busy over 1 s${busy > 0.1 ? ` (not quiet: numbers will be noisy; busiest: ${who})` : ""}`,
      );
    }
    console.log(
      `Org: ${int(ORG.departments)} departments, ${int(ORG.users)} members (generated, seed ${ORG.seed}); the app sees all of it`,
    );
    await admin.unsafe(`create database ${dbName}`);
    if (pgLog) {
      // Sessions opened from now on (the service's pool, the bench's) log every statement.
      const explainMs = Number(process.env.BENCH_PG_EXPLAIN_MS ?? "");
      await logEveryStatement(admin, dbName, explainMs);
      console.log(
        `Profiling: every statement of ${dbName} is logged to ${pgLog}${explainMs > 0 ? `, with the plans of those over ${explainMs} ms` : ""}; timings are slowed down by it`,
      );
    }
    bench = postgres(dbUrl.toString(), { max: 1, onnotice: () => {} });

    // The emulator, in a process of its own.
    let t0 = performance.now();
    const emulator = await startServer({
      name: "emulator",
      script: "bench/lib/emulator-server.ts",
      cwd: ROOT,
      env: {
        PORT: String(await freePort()),
        BENCH_EMU_DEPARTMENTS: String(ORG.departments),
        BENCH_EMU_USERS: String(ORG.users),
        BENCH_EMU_SEED: String(ORG.seed),
      },
      logDir,
      nodeArgs,
    });
    running.push(emulator);
    const emu = `http://127.0.0.1:${emulator.port}`;
    const state = await http<{ counts: { departments: number; users: number } }>(emu, "GET", "/_emulator/state");
    console.log(
      `emulator listening after ${((performance.now() - t0) / 1000).toFixed(1)} s: ${int(state.counts.departments)} departments, ${int(state.counts.users)} users`,
    );
    {
      const { access_token: token } = await wecomGet<{ access_token: string }>(emu, "gettoken", {
        corpid: BINDING.corpId,
        corpsecret: BINDING.secret,
      });
      const warm = Array.from({ length: Math.min(EMULATOR_WARMUP_PAGES, ORG.departments) }, (_, i) => ORG.departments - i);
      await mapLimit(warm, IN_FLIGHT, (id) => wecomGet(emu, "user/list", { access_token: token, department_id: id }));
      await emulatorCalls(emu, true);
    }

    const built = await serviceScript(ROOT);
    console.log(`service: ${built.label}`);
    // The service, on the fresh database, with a team bound to the emulator's default app.
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
        WECOM_API_BASE: emu,
        WECOM_OAUTH_BASE: emu,
        // The service's own per-minute WeCom budget (default 5,000; see untilNextMinute).
        ...(process.env.BENCH_WECOM_BUDGET_PER_MINUTE ? { WECOM_BUDGET_PER_MINUTE: process.env.BENCH_WECOM_BUDGET_PER_MINUTE } : {}),
      },
      logDir,
      nodeArgs: serviceArgs,
    });
    running.push(service);
    const memStart = procMemory(service.pid);
    console.log(
      `service listening after ${((performance.now() - t0) / 1000).toFixed(1)} s (migrations included): VmHWM ${mib(memStart?.hwmKiB)} MiB, VmRSS ${mib(memStart?.rssKiB)} MiB`,
    );
    const svc = `http://127.0.0.1:${service.port}`;
    await http(svc, "POST", "/api/teams", { token: adminToken, body: { slug: SLUG, name: "Bench 团队" }, expect: [201] });
    await http(svc, "PUT", `/api/teams/${SLUG}/wecom`, { token: adminToken, body: BINDING });
    const setupCalls = await emulatorCalls(emu, true);
    const boundAt = performance.now();
    const [teamRow] = await bench<{ id: number }[]>`select id::int as id from teams where slug = ${SLUG}`;
    const teamId = teamRow?.id ?? -1;

    // Baseline, while the service sits idle (its CPU is still counted, to show it is idle).
    const b0 = await runBaseline(emu, dbUrl.toString(), service, emulator);
    const baseline: Baseline = { ...b0, calls: await emulatorCalls(emu, true) };
    const baselineTotal = baseline.fetchSeconds + baseline.insertSeconds;
    console.log(
      `baseline done: fetch ${baseline.fetchSeconds.toFixed(2)} s + bulk insert ${baseline.insertSeconds.toFixed(2)} s = ${baselineTotal.toFixed(2)} s`,
    );

    // Import.
    await sleep(Math.max(0, STATS_SETTLE_MS - (performance.now() - boundAt)));
    const memBefore = procMemory(service.pid);
    const beforeImport = await mirrorSnapshot(bench, teamId);
    const s0 = await dbStats(bench, dbName);
    const log0 = pgLog ? logOffset(pgLog) : 0;
    const budget0 = await budgetCounted(bench);
    const imp = await runSync(svc, adminToken, emu, service, emulator);
    const budget1 = await budgetCounted(bench);
    const importLog = pgLog ? summarizeLog(pgLog, log0, logOffset(pgLog), dbName) : undefined;
    console.log(`import done: ${imp.seconds.toFixed(1)} s, ${countsText(imp.job.counts)}, VmHWM ${mib(imp.memory?.hwmKiB)} MiB`);
    const afterImport = await mirrorSnapshot(bench, teamId);
    const diff = await mirrorVsBaseline(bench, teamId);

    // Unchanged re-sync, in a minute window of the WeCom budget of its own (see untilNextMinute).
    await sleep(Math.max(STATS_SETTLE_MS, untilNextMinute()));
    const s1 = await dbStats(bench, dbName);
    const log1 = pgLog ? logOffset(pgLog) : 0;
    const budget2 = await budgetCounted(bench);
    const re = await runSync(svc, adminToken, emu, service, emulator);
    const budget3 = await budgetCounted(bench);
    const resyncLog = pgLog ? summarizeLog(pgLog, log1, logOffset(pgLog), dbName) : undefined;
    console.log(`re-sync done: ${re.seconds.toFixed(1)} s, ${countsText(re.job.counts)}, VmHWM ${mib(re.memory?.hwmKiB)} MiB`);
    const afterResync = await mirrorSnapshot(bench, teamId);

    // Stopping the service makes its backends flush their statistics.
    const t1 = performance.now();
    const serviceExit = await service.stop();
    const stopSeconds = (performance.now() - t1) / 1000;
    running.splice(running.indexOf(service), 1);
    await sleep(500);
    const s2 = await dbStats(bench, dbName);
    const importDb = statsDelta(s0, s1);
    const resyncDb = statsDelta(s1, s2);
    const emulatorExit = await emulator.stop();
    running.splice(running.indexOf(emulator), 1);
    const log = logLines(service.logFile);

    // Checks.
    const expected = { departments: baseline.departments, members: baseline.members };
    const failures: string[] = [];
    if (expected.departments !== state.counts.departments || expected.members !== state.counts.users) {
      failures.push(
        `baseline saw ${expected.departments} departments and ${expected.members} members, the emulator has ${state.counts.departments} and ${state.counts.users}`,
      );
    }
    const ic = imp.job.counts;
    if (ic.departments.created !== expected.departments || ic.members.created !== expected.members) {
      failures.push(
        `import counts ${countsText(ic)}; expected ${expected.departments} departments and ${expected.members} members created`,
      );
    }
    if (afterImport.members !== expected.members || afterImport.departments !== expected.departments) {
      failures.push(
        `after import the mirror has ${afterImport.departments} departments and ${afterImport.members} members; expected ${expected.departments} and ${expected.members}`,
      );
    }
    if (diff.members !== 0 || diff.departments !== 0)
      failures.push(`the mirror differs from the org (the baseline's rows): ${diff.members} members, ${diff.departments} departments`);
    if (imp.job.partial || re.job.partial) failures.push("a run was partial (pages lost)");
    const rc = re.job.counts;
    const resyncChanged = Object.values(rc.departments).some((n) => n !== 0) || Object.values(rc.members).some((n) => n !== 0);
    if (resyncChanged) failures.push(`re-sync counted changes: ${countsText(rc)}`);
    const digestsSame =
      afterImport.membersDigest === afterResync.membersDigest && afterImport.departmentsDigest === afterResync.departmentsDigest;
    const rowWrites = writes(resyncDb, "members") + writes(resyncDb, "departments");
    if (!digestsSame || afterImport.members !== afterResync.members || afterImport.departments !== afterResync.departments)
      failures.push("re-sync wrote member or department rows (xmin changed)");
    if (rowWrites !== 0) failures.push(`re-sync: pg_stat_user_tables counted ${rowWrites} member/department row writes`);
    if (afterResync.audit !== afterImport.audit) failures.push(`re-sync added ${afterResync.audit - afterImport.audit} audit_log rows`);
    if (serviceExit.code !== 0) failures.push(`service exited with ${serviceExit.code ?? serviceExit.signal} instead of 0`);
    if (emulatorExit.code !== 0) failures.push(`emulator exited with ${emulatorExit.code ?? emulatorExit.signal} instead of 0`);

    // Report.
    const importRatio = imp.seconds / baselineTotal;
    const resyncRatio = re.seconds / imp.seconds;
    const peakKiB = Math.max(imp.memory?.hwmKiB ?? 0, re.memory?.hwmKiB ?? 0);
    const fmt = (v: number, d = 2) => v.toFixed(d);
    console.log("");
    console.log(
      table(
        ["run", "seconds", "ratio", "WeCom calls", "notes"],
        [
          [
            "baseline: fetch",
            fmt(baseline.fetchSeconds),
            "",
            callsText(baseline.calls),
            `${int(baseline.pages)} user/list pages, ${IN_FLIGHT} in flight (${baselineClient()}), merged by lower-cased userid`,
          ],
          [
            "baseline: bulk insert",
            fmt(baseline.insertSeconds),
            "",
            "",
            `${int(baseline.departments)} departments + ${int(baseline.members)} members, ${baseline.insertStatements} statements, 1 transaction`,
          ],
          ["baseline: total", fmt(baselineTotal), "1.00", "", ""],
          [
            "import",
            fmt(imp.seconds),
            `${fmt(importRatio)} × baseline`,
            callsText(imp.calls),
            `job ${fmt(imp.jobSeconds)} s createdAt → finishedAt`,
          ],
          [
            "re-sync (unchanged)",
            fmt(re.seconds),
            `${fmt(resyncRatio)} × import`,
            callsText(re.calls),
            `job ${fmt(re.jobSeconds)} s createdAt → finishedAt`,
          ],
        ],
        [false, true, true, false, false],
      ),
    );
    console.log("");
    console.log(
      table(
        ["", "import", "re-sync"],
        [
          ["counts: departments created/updated/moved/deleted", deptCounts(ic), deptCounts(rc)],
          ["counts: members created/updated/moved/deprovisioned", memberCounts(ic), memberCounts(rc)],
          [
            "member + department row writes (pg_stat ins+upd+del)",
            int(writes(importDb, "members") + writes(importDb, "departments")),
            int(rowWrites),
          ],
          ["member/department xmin digest unchanged", "", digestsSame ? "yes" : "NO"],
          ["audit_log rows added", int(afterImport.audit - beforeImport.audit), int(afterResync.audit - afterImport.audit)],
          ["service VmHWM after, MiB", mib(imp.memory?.hwmKiB), mib(re.memory?.hwmKiB)],
          ["PostgreSQL transactions (whole database)", int(importDb.xact), int(resyncDb.xact)],
          [
            "CPU s: service / PostgreSQL / emulator",
            `${sec(imp.cpu.service)} / ${sec(imp.cpu.postgres)} / ${sec(imp.cpu.emulator)}`,
            `${sec(re.cpu.service)} / ${sec(re.cpu.postgres)} / ${sec(re.cpu.emulator)}`,
          ],
        ],
        [false, true, true],
      ),
    );
    console.log("");
    console.log("Time per job phase (from the first 250 ms poll that saw it to the next phase's; max VmRSS seen by the polls):");
    const ip = phaseRows(imp);
    const rp = phaseRows(re);
    const phaseNames = PHASES.filter((name) => ip.some((p) => p.phase === name) || rp.some((p) => p.phase === name));
    console.log(
      table(
        ["phase", "import s", "import VmRSS MiB", "re-sync s", "re-sync VmRSS MiB"],
        phaseNames.map((name) => {
          const i = ip.find((p) => p.phase === name);
          const r = rp.find((p) => p.phase === name);
          return [name, i ? fmt(i.seconds, 1) : "–", i ? mib(i.maxRssKiB) : "–", r ? fmt(r.seconds, 1) : "–", r ? mib(r.maxRssKiB) : "–"];
        }),
        [false, true, true, true, true],
      ),
    );
    console.log("");
    console.log("Rows written per table (pg_stat_user_tables, inserted/updated/deleted):");
    const tableNames = [...new Set([...Object.keys(importDb.tables), ...Object.keys(resyncDb.tables)])]
      .filter((n) => !n.startsWith("baseline_"))
      .sort();
    const iud = (s: DbStats, n: string) => {
      const t = s.tables[n];
      return t ? `${int(t.ins)}/${int(t.upd)}/${int(t.del)}` : "0/0/0";
    };
    console.log(
      table(
        ["table", "import", "re-sync"],
        tableNames.map((n) => [n, iud(importDb, n), iud(resyncDb, n)]),
        [false, true, true],
      ),
    );
    console.log("");
    console.log(
      table(
        ["goal", "result", "met?"],
        [
          [
            `import ≤ ${GOAL_IMPORT_RATIO}× baseline`,
            `${fmt(importRatio)}× (${fmt(imp.seconds, 1)} s vs ${fmt(baselineTotal)} s)`,
            importRatio <= GOAL_IMPORT_RATIO ? "yes" : "no",
          ],
          [`peak RSS < ${GOAL_RSS_MIB} MiB`, `VmHWM ${mib(peakKiB)} MiB`, peakKiB > 0 && peakKiB < GOAL_RSS_MIB * 1024 ? "yes" : "no"],
          [
            `unchanged re-sync ≤ ${GOAL_RESYNC_RATIO} × import, 0 row writes`,
            `${fmt(resyncRatio)}× (${fmt(re.seconds, 1)} s), ${int(rowWrites)} row writes, xmin ${digestsSame ? "unchanged" : "CHANGED"}`,
            resyncRatio <= GOAL_RESYNC_RATIO && rowWrites === 0 && digestsSame ? "yes" : "no",
          ],
        ],
        [false, false, false],
      ),
    );
    console.log("");
    console.log(
      `Service memory: VmHWM ${mib(memStart?.hwmKiB)} MiB after start-up, ${mib(memBefore?.hwmKiB)} MiB before the import (VmRSS ${mib(memBefore?.rssKiB)} MiB)`,
    );
    console.log(
      `WeCom calls while binding: ${callsText(setupCalls)}; import ${int(totalCalls(imp.calls))}, re-sync ${int(totalCalls(re.calls))}, baseline ${int(totalCalls(baseline.calls))}`,
    );
    console.log(
      `WeCom budget counted for user/list (wecom_rate_windows, per minute; budget ${process.env.BENCH_WECOM_BUDGET_PER_MINUTE ?? "5,000 (default)"}): import ${int(budget1 - budget0)}, re-sync ${int(budget3 - budget2)}`,
    );
    console.log(`Mirror vs baseline rows after the import: ${diff.members} members and ${diff.departments} departments differ`);
    console.log(`CPU seconds (${os.cpus().length} cores = ${os.cpus().length} CPU-seconds per wall second):`);
    const cpuRuns: [string, Cpu, number][] = [
      ["baseline fetch", baseline.cpuFetch, baseline.fetchSeconds],
      ["baseline insert", baseline.cpuInsert, baseline.insertSeconds],
      ["import", imp.cpu, imp.seconds],
      ["re-sync", re.cpu, re.seconds],
    ];
    for (const [name, c, wall] of cpuRuns) console.log(`  ${name}: ${cpuText(c, wall)}`);
    const loud = cpuRuns.filter(([, c, wall]) => noisy(c, wall)).map(([name]) => name);
    if (loud.length > 0)
      console.log(
        `  Warning: other processes or the hypervisor took over 10 % of the machine during ${loud.join(", ")}: numbers are noisy, rerun on a quiet machine`,
      );
    console.log(
      `Service log: ${log.warn} warnings, ${log.error} errors${log.samples.length > 0 ? `, e.g.\n  ${log.samples.join("\n  ")}` : ""}`,
    );
    console.log(
      `Shutdown: service exit ${serviceExit.code ?? serviceExit.signal} in ${stopSeconds.toFixed(1)} s; emulator exit ${emulatorExit.code ?? emulatorExit.signal}`,
    );
    for (const [name, summary] of [
      ["import", importLog],
      ["re-sync", resyncLog],
    ] as [string, LogSummary | undefined][]) {
      if (summary) printLogSummary(`the ${name}`, summary);
    }
    console.log(`Machine: ${machineLine}`);
    if (profDir) console.log(`CPU profiles (.cpuprofile) in ${profDir}`);

    scratch.report(failures);
  } catch (err) {
    scratch.crashed(err);
  } finally {
    baselineHttp?.close();
    await scratch.cleanup();
  }
  return scratch.ok;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = (await run()) ? 0 : 1;
