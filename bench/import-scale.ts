// import-scale: how the import and the unchanged re-sync grow with the company. For each size
// (default 10,000, 100,000 and 300,000 members, one department per 50 members) a fresh scratch
// database, the WeCom emulator generating that org and the real Node service (dist/node.js, as
// bench/import.ts runs them); a full import, then an unchanged re-sync. Prints per size: time, time
// and CPU per member, re-sync/import, the re-sync's row writes, the service's peak RSS and the
// WeCom calls per member; then the per-member ratios of the largest size to the one before.
// Goals (informational, never asserted): per member, 300k/100k ≤ 1.15× for the import and the
// re-sync; re-sync ≤ 0.35× the import with zero row writes at every size; peak RSS at 300k
// < 384 MiB; WeCom calls per member flat.
// The run fails (exit 1) only when something is wrong: a job failed or needs confirmation, counted
// other than the org, the re-sync wrote rows, or a server did not exit cleanly.
//
//   npm run bench import-scale
//   BENCH_SIZES=10000,100000 npm run bench import-scale     (the sizes, in members, in this order)
//   BENCH_WECOM_BUDGET_PER_MINUTE=5000 npm run bench import-scale
//     (the service's WeCom budget per minute; default 1,000,000 so it never makes a run wait: at the
//      service's own default of 5,000 a 300,000-member sync's 6,001 user/list calls wait for the
//      next minute, which times WeCom's limit, not the service)
//   BENCH_CPU_PROF=/tmp/prof npm run bench import-scale     (--cpu-prof the service and the emulator)
//   BENCH_PG_LOG=/var/log/postgresql/postgresql-15-main.log npm run bench import-scale
//     (needs a superuser and that log readable: logs every statement of the scratch database and
//      prints the costliest per run; the logging itself slows the runs down)
//   BENCH_PG_EXPLAIN_MS=30 BENCH_PG_LOG=… npm run bench import-scale   (and auto_explain over 30 ms)
import { mkdirSync } from "node:fs";
import os from "node:os";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import postgres from "postgres";
import { envInt } from "./lib/env";
import { jsonRequest } from "./lib/json-http";
import { logEveryStatement, logOffset, printLogSummary, summarizeLog, type LogSummary } from "./lib/pg-log";
import { systemCpu } from "./lib/proc";
import { busiestProcesses, mib, procMemory } from "./lib/proc-status";
import { announceMachine, int, table } from "./lib/report";
import { stackCpu, stackCpuSince, startStack, stopStack, STACK_SLUG, type Stack, type StackCpu } from "./lib/roster-stack";
import { scratchRun } from "./lib/scratch";
import { awaitJob, startSync, type FinishedJob, type JobView } from "./lib/sync-job";
import type { ServerChild } from "./lib/child";

const MEMBERS_PER_DEPARTMENT = 50;
const JOB_TIMEOUT_MS = 30 * 60_000;
/** PostgreSQL 15 holds a busy backend's statistics up to 10 s (bench/import.ts, STATS_SETTLE_MS). */
const STATS_SETTLE_MS = 11_000;

const GOAL_GROWTH = 1.15;
const GOAL_RESYNC_RATIO = 0.35;
const GOAL_RSS_MIB = 384;
const GOAL_RSS_SIZE = 300_000;

function sizes(): number[] {
  const raw = process.env.BENCH_SIZES ?? "10000,100000,300000";
  const out = raw.split(",").map((s) => Number(s.trim()));
  if (out.length === 0 || out.some((n) => !Number.isInteger(n) || n < MEMBERS_PER_DEPARTMENT)) {
    throw new Error(
      `BENCH_SIZES must be members per run, each an integer ≥ ${MEMBERS_PER_DEPARTMENT}, comma-separated; got ${JSON.stringify(raw)}`,
    );
  }
  return out;
}

/** Busy CPU of the machine that was none of ours (other agents, other benchmarks). */
const otherCpu = (c: StackCpu) => Math.max(0, c.busy - c.service - c.postgres - c.emulator);

type CallCounts = Record<string, number>;
const totalCalls = (c: CallCounts) => Object.values(c).reduce((a, b) => a + b, 0);
const callsText = (c: CallCounts) =>
  Object.entries(c)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([api, n]) => `${api} ${int(n)}`)
    .join(", ");

async function emulatorCalls(emu: string): Promise<CallCounts> {
  const { counts } = await jsonRequest<{ counts: CallCounts }>(emu, "GET", "/_emulator/calls");
  await jsonRequest(emu, "DELETE", "/_emulator/calls");
  return counts;
}

interface Run extends FinishedJob {
  cpu: StackCpu;
  calls: CallCounts;
  hwmKiB: number;
  log?: LogSummary;
}

async function measuredSync(stack: Stack, pgLog: string | undefined): Promise<Run> {
  const api = { svc: stack.svc, slug: STACK_SLUG, token: stack.adminToken };
  const c0 = stackCpu(stack);
  const log0 = pgLog ? logOffset(pgLog) : 0;
  const done = await awaitJob(api, await startSync(api), JOB_TIMEOUT_MS);
  const cpu = stackCpuSince(c0, stackCpu(stack));
  const log = pgLog ? summarizeLog(pgLog, log0, logOffset(pgLog), stack.dbName) : undefined;
  if (done.job.state !== "succeeded")
    throw new Error(
      `sync job ${done.job.id} ended ${done.job.state}: ${JSON.stringify({ progress: done.job.progress, error: done.job.error, breaker: done.job.breaker })}`,
    );
  return { ...done, cpu, calls: await emulatorCalls(stack.emu), hwmKiB: procMemory(stack.service.pid)?.hwmKiB ?? Number.NaN, log };
}

/** Member and department rows, a digest of every row version (any write changes an xmin), the audit count. */
async function mirrorDigest(
  sql: postgres.Sql,
  teamId: number,
): Promise<{ members: number; departments: number; digest: string; audit: number }> {
  const [m] = await sql<{ n: number; d: string | null }[]>`
    select count(*)::int as n, md5(string_agg(id::text || ':' || xmin::text, ',' order by id)) as d from members where team_id = ${teamId}`;
  const [d] = await sql<{ n: number; d: string | null }[]>`
    select count(*)::int as n, md5(string_agg(id::text || ':' || xmin::text, ',' order by id)) as d from departments where team_id = ${teamId}`;
  const [a] = await sql<{ n: number }[]>`select count(*)::int as n from audit_log where team_id = ${teamId}`;
  return { members: m?.n ?? 0, departments: d?.n ?? 0, digest: `${m?.d ?? ""}/${d?.d ?? ""}`, audit: a?.n ?? 0 };
}

/** Inserted + updated + deleted rows of members and departments so far (pg_stat_user_tables). */
async function mirrorRowWrites(sql: postgres.Sql): Promise<number> {
  await sql`select pg_stat_clear_snapshot()`;
  const [r] = await sql<{ n: string | null }[]>`
    select sum(n_tup_ins + n_tup_upd + n_tup_del) as n from pg_stat_user_tables where relname in ('members', 'departments')`;
  return Number(r?.n ?? 0);
}

interface SizeResult {
  members: number;
  departments: number;
  imp: Run;
  re: Run;
  resyncRowWrites: number;
  digestSame: boolean;
  auditAdded: number;
  hwmKiB: number;
  startHwmKiB: number;
}

const counted = (j: JobView) =>
  `departments ${j.counts.departments.created}/${j.counts.departments.updated}/${j.counts.departments.moved}/${j.counts.departments.deleted}, members ${j.counts.members.created}/${j.counts.members.updated}/${j.counts.members.moved}/${j.counts.members.deprovisioned}`;
const changed = (j: JobView) => [...Object.values(j.counts.departments), ...Object.values(j.counts.members)].some((n) => n !== 0);

const us = (seconds: number, members: number) => (seconds * 1e6) / members;
const f = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : "–");
const phasesText = (r: FinishedJob) => r.phases.map((p, i) => `${p.phase} ${f((r.phases[i + 1]?.at ?? r.seconds) - p.at, 1)}`).join(", ");

export async function run(): Promise<boolean> {
  const profDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;
  if (profDir) mkdirSync(profDir, { recursive: true });
  const nodeArgs = profDir ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : [];
  const pgLog = process.env.BENCH_PG_LOG ? resolve(process.env.BENCH_PG_LOG) : undefined;
  const budget = envInt("BENCH_WECOM_BUDGET_PER_MINUTE", 1_000_000);
  const running: ServerChild[] = [];
  let stack: Stack | undefined;
  const scratch = scratchRun(async () => {
    await stack?.sql.end();
    for (const child of running.reverse()) await child.stop();
  });
  const { dbName, dbUrl, logDir, admin } = scratch;

  return scratch.execute(async () => {
    const list = sizes();
    const machineLine = await announceMachine(admin);
    const b0 = systemCpu();
    const busiest = await busiestProcesses(1000);
    const b1 = systemCpu();
    if (b0 && b1) {
      const busy = (b1.busy - b0.busy) / os.cpus().length;
      console.log(
        `Machine before the run: ${(busy * 100).toFixed(0)} % busy over 1 s${busy > 0.1 ? ` (busiest: ${busiest.map((p) => `${p.pid} ${p.name} ${(p.seconds * 100).toFixed(0)} %`).join("; ")})` : ""}`,
      );
    }
    console.log(
      `Sizes: ${list.map(int).join(", ")} members (one department per ${MEMBERS_PER_DEPARTMENT}); service WeCom budget ${int(budget)} calls per API per minute`,
    );

    const failures: string[] = [];
    const results: SizeResult[] = [];
    for (const members of list) {
      const departments = Math.max(1, Math.round(members / MEMBERS_PER_DEPARTMENT));
      console.log(`\n### ${int(members)} members, ${int(departments)} departments`);
      await admin.unsafe(`create database ${dbName}`);
      if (pgLog) await logEveryStatement(admin, dbName, Number(process.env.BENCH_PG_EXPLAIN_MS ?? ""));
      stack = await startStack({
        org: { departments, users: members, seed: 1 },
        dbUrl: dbUrl.toString(),
        logDir,
        running,
        nodeArgs,
        serviceEnv: { WECOM_BUDGET_PER_MINUTE: String(budget) },
      });
      const startHwmKiB = procMemory(stack.service.pid)?.hwmKiB ?? Number.NaN;

      const imp = await measuredSync(stack, pgLog);
      console.log(`import: ${f(imp.seconds)} s (${phasesText(imp)}), ${counted(imp.job)}, VmHWM ${mib(imp.hwmKiB)} MiB`);
      const afterImport = await mirrorDigest(stack.sql, stack.teamId);
      if (imp.job.counts.members.created !== members || imp.job.counts.departments.created !== departments) {
        failures.push(
          `${members}: the import counted ${counted(imp.job)}; expected ${departments} departments and ${members} members created`,
        );
      }
      if (afterImport.members !== members || afterImport.departments !== departments) {
        failures.push(
          `${members}: after the import the mirror has ${afterImport.departments} departments and ${afterImport.members} members`,
        );
      }

      // The import's backends flush their statistics once idle for 10 s.
      await sleep(STATS_SETTLE_MS);
      // The reconcile runs an hour after an import, when autovacuum has long been through the new
      // rows; here autovacuum's launcher (a one-minute nap) would start on them during the re-sync,
      // competing for the two cores. The bench does that work first, as it would have been done.
      await stack.sql.unsafe("vacuum (analyze)");
      const writes0 = await mirrorRowWrites(stack.sql);
      const re = await measuredSync(stack, pgLog);
      console.log(`re-sync: ${f(re.seconds)} s (${phasesText(re)}), ${counted(re.job)}, VmHWM ${mib(re.hwmKiB)} MiB`);
      const afterResync = await mirrorDigest(stack.sql, stack.teamId);
      // Stopping the service makes its backends flush their statistics.
      const problems = await stopStack(stack, running);
      stack = undefined;
      const statsSql = postgres(dbUrl.toString(), { max: 1, onnotice: () => {} });
      let resyncRowWrites: number;
      try {
        await sleep(500);
        resyncRowWrites = (await mirrorRowWrites(statsSql)) - writes0;
      } finally {
        await statsSql.end();
      }
      await admin.unsafe(`drop database if exists ${dbName} with (force)`);

      const digestSame = afterImport.digest === afterResync.digest;
      if (re.job.partial || imp.job.partial) failures.push(`${members}: a run was partial`);
      if (changed(re.job)) failures.push(`${members}: the re-sync counted changes: ${counted(re.job)}`);
      if (!digestSame) failures.push(`${members}: the re-sync wrote member or department rows (xmin changed)`);
      if (resyncRowWrites !== 0)
        failures.push(`${members}: pg_stat_user_tables counted ${resyncRowWrites} member/department row writes in the re-sync`);
      if (afterResync.audit !== afterImport.audit)
        failures.push(`${members}: the re-sync added ${afterResync.audit - afterImport.audit} audit rows`);
      failures.push(...problems.map((p) => `${members}: ${p}`));
      results.push({
        members,
        departments,
        imp,
        re,
        resyncRowWrites,
        digestSame,
        auditAdded: afterResync.audit - afterImport.audit,
        hwmKiB: Math.max(imp.hwmKiB, re.hwmKiB),
        startHwmKiB,
      });
      for (const [name, r] of [
        ["import", imp],
        ["re-sync", re],
      ] as const) {
        const busyOthers = otherCpu(r.cpu);
        if (busyOthers > 0.1 * os.cpus().length * r.seconds)
          console.log(`  Warning: other processes took ${f(busyOthers, 1)} CPU-s of the machine during the ${name}: its time is noisy`);
        if (r.log) printLogSummary(`the ${name} of ${int(members)}`, r.log);
      }
    }

    console.log("");
    console.log(
      table(
        [
          "members",
          "import s",
          "µs/member",
          "CPU µs/member (service + PG)",
          "re-sync s",
          "µs/member",
          "CPU µs/member (service + PG)",
          "re-sync ÷ import",
          "re-sync row writes",
          "VmHWM MiB",
          "WeCom calls/member import · re-sync",
        ],
        results.map((r) => [
          int(r.members),
          f(r.imp.seconds),
          f(us(r.imp.seconds, r.members), 1),
          `${f(us(r.imp.cpu.service + r.imp.cpu.postgres, r.members), 1)} (${f(us(r.imp.cpu.service, r.members), 1)} + ${f(us(r.imp.cpu.postgres, r.members), 1)})`,
          f(r.re.seconds),
          f(us(r.re.seconds, r.members), 1),
          `${f(us(r.re.cpu.service + r.re.cpu.postgres, r.members), 1)} (${f(us(r.re.cpu.service, r.members), 1)} + ${f(us(r.re.cpu.postgres, r.members), 1)})`,
          f(r.re.seconds / r.imp.seconds),
          `${int(r.resyncRowWrites)}${r.digestSame ? "" : " (xmin changed)"}`,
          mib(r.hwmKiB),
          `${(totalCalls(r.imp.calls) / r.members).toFixed(4)} · ${(totalCalls(r.re.calls) / r.members).toFixed(4)}`,
        ]),
        [true, true, true, true, true, true, true, true, true, true, false],
      ),
    );
    console.log("");
    for (const r of results) {
      console.log(
        `${int(r.members)}: WeCom calls import ${callsText(r.imp.calls)}; re-sync ${callsText(r.re.calls)}; VmHWM after start-up ${mib(r.startHwmKiB)} MiB`,
      );
      console.log(
        `  CPU s import: service ${f(r.imp.cpu.service, 1)}, PostgreSQL ${f(r.imp.cpu.postgres, 1)}, emulator ${f(r.imp.cpu.emulator, 1)}, other ${f(otherCpu(r.imp.cpu), 1)}; re-sync: service ${f(r.re.cpu.service, 1)}, PostgreSQL ${f(r.re.cpu.postgres, 1)}, emulator ${f(r.re.cpu.emulator, 1)}, other ${f(otherCpu(r.re.cpu), 1)}`,
      );
    }

    const goals: string[][] = [];
    const big = results[results.length - 1];
    const prev = results[results.length - 2];
    if (big && prev) {
      const growth = (a: number, b: number) => us(a, big.members) / us(b, prev.members);
      const label = `${int(big.members / 1000)}k/${int(prev.members / 1000)}k per member`;
      const gi = growth(big.imp.seconds, prev.imp.seconds);
      const gr = growth(big.re.seconds, prev.re.seconds);
      const ci = growth(big.imp.cpu.service + big.imp.cpu.postgres, prev.imp.cpu.service + prev.imp.cpu.postgres);
      const cr = growth(big.re.cpu.service + big.re.cpu.postgres, prev.re.cpu.service + prev.re.cpu.postgres);
      const calls = totalCalls(big.re.calls) / big.members / (totalCalls(prev.re.calls) / prev.members);
      goals.push([
        `import ${label} ≤ ${GOAL_GROWTH}×`,
        `${f(gi)}× time, ${f(ci)}× CPU (service + PostgreSQL)`,
        gi <= GOAL_GROWTH ? "yes" : "no",
      ]);
      goals.push([
        `re-sync ${label} ≤ ${GOAL_GROWTH}×`,
        `${f(gr)}× time, ${f(cr)}× CPU (service + PostgreSQL)`,
        gr <= GOAL_GROWTH ? "yes" : "no",
      ]);
      goals.push([`WeCom calls per member flat (${label})`, `${f(calls)}×`, calls <= 1.05 ? "yes" : "no"]);
    }
    for (const r of results) {
      const ratio = r.re.seconds / r.imp.seconds;
      goals.push([
        `${int(r.members)}: re-sync ≤ ${GOAL_RESYNC_RATIO}× import, 0 row writes`,
        `${f(ratio)}×, ${int(r.resyncRowWrites)} row writes`,
        ratio <= GOAL_RESYNC_RATIO && r.resyncRowWrites === 0 && r.digestSame ? "yes" : "no",
      ]);
    }
    const rss = results.find((r) => r.members === GOAL_RSS_SIZE);
    if (rss)
      goals.push([
        `peak RSS at ${int(GOAL_RSS_SIZE)} < ${GOAL_RSS_MIB} MiB`,
        `VmHWM ${mib(rss.hwmKiB)} MiB`,
        rss.hwmKiB < GOAL_RSS_MIB * 1024 ? "yes" : "no",
      ]);
    console.log("");
    console.log(table(["goal", "result", "met?"], goals));
    console.log(`Machine: ${machineLine}`);
    if (profDir) console.log(`CPU profiles (.cpuprofile) in ${profDir}`);
    return failures;
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = (await run()) ? 0 : 1;
