// import-changes: does the mirror stay exact while WeCom changes during a sync? The real Node
// service imports a WeCom emulator org (2,000 departments, 100,000 members, seed 1) on a scratch
// PostgreSQL database while 2,000 contact changes are made through the emulator's control API,
// each pushed to the service as a signed and encrypted callback. For the time, two more imports of
// the same org, each on a fresh database: an unchanged one, and one during which WeCom makes the
// same changes but pushes no callback (what the changes cost the sync, the load generator
// included, apart from what the callbacks cost). Each run waits for the job and for the callback
// inbox to drain, then compares the mirror with the emulator's org. Optionally the same for a
// re-sync of the imported org (BENCH_RESYNC=1, the default).
// Goals: 0 differences, 0 members wrongly staged or deprovisioned (the run fails otherwise, as
// it does for a failed job, a dead or lost callback, a refused change or an unclean exit);
// import with changes ≤ 1.2 × the unchanged one (informational).
//
//   npm run bench import-changes
//   BENCH_IMPORT_DEPARTMENTS=200 BENCH_IMPORT_USERS=10000 BENCH_CHANGES=200 npm run bench import-changes
//   BENCH_RESYNC=0 npm run bench import-changes             (imports only)
//   BENCH_CHANGES_IN_FLIGHT=16 npm run bench import-changes (emulator calls at once; default 8)
//   BENCH_CHANGES_SEED=2 npm run bench import-changes       (another plan of changes)
//   BENCH_WECOM_MS=100 npm run bench import-changes
//     (WeCom answers every contact API call after 100 ms, as the real one takes tens to hundreds of
//      ms: the import then waits on WeCom as it does in production, not on the two shared cores)
//   BENCH_CHANGES_WINDOW=members npm run bench import-changes
//     (the changes paced over the listing of members only, not over the whole sync: the same
//      changes at about twice the rate, all of them while pages are read)
//   DATABASE_URL=postgres://… npm run bench import-changes  (server to create the scratch databases on)
//   BENCH_CPU_PROF=/tmp/prof npm run bench import-changes    (--cpu-prof the service and the emulator)
//   BENCH_PG_LOG=/var/log/postgresql/postgresql-15-main.log npm run bench import-changes
//     (logs every statement of the scratch databases and prints the costliest from the POST to the
//      job's end; needs a superuser and that log readable; the logging slows the runs down)
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import postgres from "postgres";
import { driveInEmulator, type DriveResult } from "./lib/change-driver";
import { kindsText, planChanges, type Change, type OrgSnapshot } from "./lib/contact-changes";
import { jsonRequest } from "./lib/json-http";
import { checkMirror, differenceCount, memberAudit, type Differences, type MirrorCheck } from "./lib/mirror-check";
import { announceMachine, int, table } from "./lib/report";
import { stackCpu, stackCpuSince, startStack, stopStack, STACK_SLUG, type Stack, type StackCpu } from "./lib/roster-stack";
import { logEveryStatement, logOffset, printLogSummary, summarizeLog, type LogSummary } from "./lib/pg-log";
import { envInt } from "./lib/env";
import { DEFAULT_DATABASE_URL, scratchRun } from "./lib/scratch";
import { logProblems } from "./lib/service-log";
import { awaitDrained, awaitJob, inboxStats, phaseWindow, startSync, type Api, type FinishedJob, type InboxStats } from "./lib/sync-job";
import type { ServerChild } from "./lib/child";

const ORG = { departments: envInt("BENCH_IMPORT_DEPARTMENTS", 2000), users: envInt("BENCH_IMPORT_USERS", 100_000), seed: 1 };
const CHANGES = envInt("BENCH_CHANGES", 2000);
const IN_FLIGHT = envInt("BENCH_CHANGES_IN_FLIGHT", 8);
const CHANGES_SEED = envInt("BENCH_CHANGES_SEED", 1);
const WINDOW = process.env.BENCH_CHANGES_WINDOW === "members" ? "members" : "sync";
if (!["members", "sync", undefined, ""].includes(process.env.BENCH_CHANGES_WINDOW))
  throw new Error(`BENCH_CHANGES_WINDOW must be "sync" or "members", got ${JSON.stringify(process.env.BENCH_CHANGES_WINDOW)}`);
const RESYNC = process.env.BENCH_RESYNC !== "0";
const WECOM_MS = envInt("BENCH_WECOM_MS", 0, 0);
/** The contact APIs a sync and a callback's re-read call (docs/sync.md#job-steps). */
const ANSWERED_LATE = ["agent/get", "department/list", "user/list", "user/get"];
const PROF_DIR = process.env.BENCH_CPU_PROF;
const PROF_ARGS = PROF_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROF_DIR}`] : undefined;
const PG_LOG = process.env.BENCH_PG_LOG ? resolve(process.env.BENCH_PG_LOG) : undefined;

const JOB_TIMEOUT_MS = 20 * 60_000;
const DRAIN_TIMEOUT_MS = 10 * 60_000;
const GOAL_RATIO = 1.2;
const EXAMPLES = 3;

/**
 * The service counts WeCom calls per API and calendar minute (5,000 by default) and an import's
 * user/list pages count about 4,000: a re-sync in the import's minute would wait for the next one.
 */
const untilNextMinute = () => 60_000 - (Date.now() % 60_000) + 500;

type SyncKind = "import" | "re-sync";

interface SyncRun {
  kind: SyncKind;
  changes: Change[];
  job: FinishedJob;
  /** Members it staged when it stopped for a decision, confirmed (they are gone from WeCom). */
  braked?: number;
  /** Seconds from the POST until the job had finished, every change was pushed and the inbox drained. */
  converged: number;
  drive?: DriveResult;
  window?: [number, number];
  inbox: InboxStats;
  drainTimedOut: boolean;
  calls: Record<string, number>;
  check: MirrorCheck;
  traces: string[];
  /** CPU seconds from the POST until the job had finished, by process. */
  cpu: StackCpu;
  /** Statements from the POST until the job had finished (BENCH_PG_LOG). */
  statements?: LogSummary;
}

/**
 * `unchanged`: WeCom stands still. `untold`: WeCom makes the changes but pushes no callback, so the
 * sync meets them only in its listing: what the changes cost the sync itself, and the change
 * driver's and emulator's share of the cores. `told`: the changes, each pushed as a callback.
 */
type Mode = "unchanged" | "untold" | "told";
const MODE_NAMES: Record<Mode, string> = { unchanged: "unchanged", untold: "changes, no callbacks", told: "with changes" };

interface Scenario {
  mode: Mode;
  runs: SyncRun[];
  failures: string[];
  logProblems: ReturnType<typeof logProblems>;
}

// ---------------------------------------------------------------------------------------------
// One sync, with or without changes during it

const apiOf = (stack: Stack): Api => ({ svc: stack.svc, slug: STACK_SLUG, token: stack.adminToken });
const orgOf = (stack: Stack) => jsonRequest<OrgSnapshot>(stack.emu, "GET", "/_emulator/org");

async function takeCalls(stack: Stack): Promise<Record<string, number>> {
  const { counts } = await jsonRequest<{ counts: Record<string, number> }>(stack.emu, "GET", "/_emulator/calls");
  await jsonRequest(stack.emu, "DELETE", "/_emulator/calls");
  return counts;
}

/** The inbox's counts added during one sync; pending as it is now. */
function since(a: InboxStats, b: InboxStats): InboxStats {
  return {
    received: b.received - a.received,
    processed: b.processed - a.processed,
    ignored: b.ignored - a.ignored,
    pending: b.pending,
    dead: b.dead - a.dead,
  };
}

async function syncOnce(stack: Stack, kind: SyncKind, changes: Change[], window: [number, number] | undefined): Promise<SyncRun> {
  const api = apiOf(stack);
  const before = await inboxStats(api);
  const cpuBefore = stackCpu(stack);
  const log0 = PG_LOG ? logOffset(PG_LOG) : 0;
  const started = await startSync(api);
  const driving =
    window && changes.length > 0
      ? driveInEmulator(stack.emu, started.t0, { changes, from: window[0], to: window[1], inFlight: IN_FLIGHT })
      : undefined;
  // A failed poll must not leave the changes' promise unobserved.
  const job = await awaitJob(api, started, JOB_TIMEOUT_MS).catch(async (err: unknown) => {
    await driving?.catch(() => undefined);
    throw err;
  });
  const cpu = stackCpuSince(cpuBefore, stackCpu(stack));
  const statements = PG_LOG ? summarizeLog(PG_LOG, log0, logOffset(PG_LOG), stack.dbName) : undefined;
  const drive = await driving;
  const confirmed = job.job.state === "needs_confirmation" ? await confirmIfRight(stack, started.t0, job) : undefined;
  const drained = await awaitDrained(api, DRAIN_TIMEOUT_MS);
  const converged = (drained.at - started.t0) / 1000;
  const calls = await takeCalls(stack);
  const check = await checkMirror(stack.sql, stack.teamId, await orgOf(stack));
  const traces = await traceExamples(stack, check, drive);
  return {
    kind,
    changes,
    job: confirmed?.job ?? job,
    braked: confirmed?.staged,
    converged,
    drive,
    window,
    inbox: since(before, drained.stats),
    drainTimedOut: drained.timedOut,
    calls,
    check,
    traces,
    cpu,
    statements,
  };
}

/**
 * A run that stops for a decision (more deprovisions than the brake allows: changes made during it
 * deleted people) is confirmed as an admin would, when every member it staged is gone from WeCom;
 * otherwise it stays as it is and the run fails on the members wrongly staged.
 */
async function confirmIfRight(stack: Stack, t0: number, braked: FinishedJob): Promise<{ job: FinishedJob; staged: number } | undefined> {
  const check = await checkMirror(stack.sql, stack.teamId, await orgOf(stack));
  if (check.wronglyStaged.length > 0) return undefined;
  const api = apiOf(stack);
  await jsonRequest(api.svc, "POST", `/api/teams/${api.slug}/jobs/${braked.job.id}/confirm`, { token: api.token });
  const job = await awaitJob(api, { job: { ...braked.job, state: "running" }, t0 }, JOB_TIMEOUT_MS);
  return { job: { ...job, phases: [...braked.phases, ...job.phases] }, staged: check.staged };
}

/** For a few wrong members: the changes made to them and what the audit log says. */
async function traceExamples(stack: Stack, check: MirrorCheck, drive: DriveResult | undefined): Promise<string[]> {
  const m = check.members;
  const keys = [
    ...m.differing.map((d) => d.key),
    ...m.missing,
    ...m.extra,
    ...check.wronglyStaged.map((s) => s.replace(/^job \d+: /, "")),
    ...check.wronglyDeprovisioned,
  ];
  const out: string[] = [];
  for (const key of [...new Set(keys)].slice(0, EXAMPLES)) {
    out.push(`member ${key}:`);
    for (const p of drive?.log.filter((l) => l.change.member === key) ?? []) {
      out.push(
        `  change ${p.change.kind} sent ${p.sentAt.toFixed(2)} s, answered ${p.doneAt.toFixed(2)} s: ${JSON.stringify(p.change.body ?? null)}`,
      );
    }
    const audit = await memberAudit(stack.sql, stack.teamId, key);
    out.push(...(audit.length > 0 ? audit.map((a) => `  audit ${a}`) : ["  audit: no rows"]));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// A scenario: its own scratch database, emulator and service

/**
 * The changes' window for each sync, from the same sync without changes: from the start of its
 * members phase (the tree has been read) to its end, or (BENCH_CHANGES_WINDOW=members) to the end
 * of its members phase.
 */
type Windows = Partial<Record<SyncKind, [number, number]>>;

function changesWindow(job: FinishedJob): [number, number] {
  const w = phaseWindow(job.phases, job.seconds, "members") ?? [0, job.seconds];
  const end = WINDOW === "members" ? w[1] : job.jobSeconds;
  return [w[0], Math.max(end, w[0] + 0.5)];
}

async function runScenario(mode: Mode, windows: Windows | undefined): Promise<{ scenario: Scenario; ok: boolean }> {
  const running: ServerChild[] = [];
  let stack: Stack | undefined;
  const scratch = scratchRun(async () => {
    await stack?.sql.end();
    for (const child of running.reverse()) await child.stop();
  });
  const name = MODE_NAMES[mode];
  const scenario: Scenario = { mode, runs: [], failures: [], logProblems: { count: 0, byMessage: new Map() } };
  try {
    await scratch.admin.unsafe(`create database ${scratch.dbName}`);
    if (PG_LOG) await logEveryStatement(scratch.admin, scratch.dbName);
    stack = await startStack({ org: ORG, dbUrl: scratch.dbUrl.toString(), logDir: scratch.logDir, running, nodeArgs: PROF_ARGS });
    if (WECOM_MS > 0)
      // A delay fault that never runs out: every call of these APIs is answered WECOM_MS late.
      await jsonRequest(stack.emu, "POST", "/_emulator/faults", {
        body: ANSWERED_LATE.map((api) => ({ api, delayMs: WECOM_MS, times: 1_000_000_000 })),
      });
    if (mode === "untold") await jsonRequest(stack.emu, "DELETE", "/_emulator/callback");
    console.log(`${name}: service ${stack.serviceLabel}, scratch database ${scratch.dbName}`);
    for (const kind of RESYNC ? (["import", "re-sync"] as const) : (["import"] as const)) {
      if (kind === "re-sync") await sleep(untilNextMinute());
      const changes = windows
        ? planChanges(await orgOf(stack), CHANGES, CHANGES_SEED + (kind === "import" ? 0 : 1), kind === "import" ? "i" : "r")
        : [];
      const run = await syncOnce(stack, kind, changes, windows?.[kind]);
      scenario.runs.push(run);
      console.log(`  ${kind}: ${runLine(run)}`);
    }
    scenario.failures.push(...(await stopStack(stack, running)));
    scenario.logProblems = logProblems(stack.service.logFile);
    scenario.failures.push(...scenario.runs.flatMap((run) => runFailures(run, mode)));
    scratch.report(scenario.failures.map((f) => `${name}: ${f}`));
  } catch (err) {
    scratch.crashed(err);
  } finally {
    await scratch.cleanup();
  }
  return { scenario, ok: scratch.ok };
}

function runFailures(run: SyncRun, mode: Mode): string[] {
  const f: string[] = [];
  const c = run.check;
  if (run.job.job.state !== "succeeded")
    f.push(`${run.kind} job ended ${run.job.job.state}: ${JSON.stringify(run.job.job.error ?? run.job.job.breaker ?? null)}`);
  if (run.job.job.partial) f.push(`${run.kind} was partial (pages lost)`);
  if (run.drive && run.drive.failures.length > 0)
    f.push(`${run.kind}: ${run.drive.failures.length} changes refused or not delivered, e.g. ${run.drive.failures.slice(0, 3).join("; ")}`);
  if (run.drainTimedOut) f.push(`${run.kind}: the inbox still had ${run.inbox.pending} pending after ${DRAIN_TIMEOUT_MS / 60_000} min`);
  if (run.inbox.dead > 0) f.push(`${run.kind}: ${run.inbox.dead} callbacks dead`);
  const lost = (run.drive?.delivered.size ?? 0) - run.inbox.received;
  if (lost > 0) f.push(`${run.kind}: ${lost} callbacks answered 200 but not in the inbox`);
  // Untold, the mirror keeps what the listing read until the next sync; nobody who exists may be staged all the same.
  if (mode !== "untold" && differenceCount(c.members) + differenceCount(c.departments) > 0)
    f.push(`${run.kind}: the mirror differs from WeCom: ${diffText(c.members)} members, ${diffText(c.departments)} departments`);
  if (c.wronglyStaged.length > 0)
    f.push(`${run.kind}: ${c.wronglyStaged.length} members staged for deprovision are in WeCom: ${c.wronglyStaged.slice(0, 5).join(", ")}`);
  if (c.wronglyDeprovisioned.length > 0)
    f.push(
      `${run.kind}: ${c.wronglyDeprovisioned.length} members deprovisioned are in WeCom: ${c.wronglyDeprovisioned.slice(0, 5).join(", ")}`,
    );
  return f;
}

// ---------------------------------------------------------------------------------------------
// Report

const s1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "–");
const s2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "–");

function diffText(d: Differences): string {
  const n = differenceCount(d);
  return n === 0 ? "0" : `${n} (${d.missing.length} missing, ${d.extra.length} extra, ${d.differing.length} differing)`;
}

function phasesText(job: FinishedJob): string {
  return job.phases.map((p, i) => `${p.phase} ${s1((job.phases[i + 1]?.at ?? job.seconds) - p.at)}`).join(", ");
}

function runLine(run: SyncRun): string {
  const d = run.drive;
  const sent = d
    ? `${d.sent} changes sent at ${s1(d.firstAt)}–${s1(d.lastAt)} s (planned ${s1(run.window?.[0] ?? 0)}–${s1(run.window?.[1] ?? 0)} s), `
    : "";
  return (
    `job ${s2(run.job.jobSeconds)} s (${run.job.job.state}), converged ${s2(run.converged)} s; ${sent}` +
    `inbox ${JSON.stringify(run.inbox)}; differences: members ${diffText(run.check.members)}, departments ${diffText(run.check.departments)}; ` +
    `wrongly staged ${run.check.wronglyStaged.length}, wrongly deprovisioned ${run.check.wronglyDeprovisioned.length}`
  );
}

const callsText = (c: Record<string, number>) =>
  Object.entries(c)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([api, n]) => `${api} ${int(n)}`)
    .join(", ") || "none";

function resultRows(scenarios: Scenario[]): string[][] {
  return scenarios.flatMap((s) =>
    s.runs.map((r) => [
      `${r.kind}, ${MODE_NAMES[s.mode]}`,
      s2(r.job.jobSeconds),
      s2(r.converged),
      r.drive ? `${r.drive.sent} in ${s1(r.drive.firstAt)}–${s1(r.drive.lastAt)} s` : "–",
      `${int(r.inbox.received)}/${int(r.inbox.processed)}/${int(r.inbox.ignored)}/${int(r.inbox.dead)}`,
      `${differenceCount(r.check.members)}/${differenceCount(r.check.departments)}`,
      `${r.check.wronglyStaged.length}/${r.check.wronglyDeprovisioned.length}`,
      int(r.calls["user/get"] ?? 0),
    ]),
  );
}

function ratioLines(quiet: Scenario, untold: Scenario, busy: Scenario): string[] {
  return busy.runs.flatMap((r) => {
    const base = quiet.runs.find((q) => q.kind === r.kind);
    if (!base) return [];
    const ratio = r.job.jobSeconds / base.job.jobSeconds;
    const mid = untold.runs.find((q) => q.kind === r.kind);
    return [
      `${r.kind}: with changes ${s2(r.job.jobSeconds)} s vs unchanged ${s2(base.job.jobSeconds)} s = ${s2(ratio)}× (goal ≤ ${GOAL_RATIO}×: ${ratio <= GOAL_RATIO ? "met" : "not met"}); ` +
        `converged ${s2(r.converged)} s after the POST (${s2(r.converged - r.job.seconds)} s after the poll that saw the job done)`,
      ...(mid
        ? [
            `  of which the changes without callbacks ${s2(mid.job.jobSeconds)} s = ${s2(mid.job.jobSeconds / base.job.jobSeconds)}× unchanged, ` +
              `and the callbacks ${s2(r.job.jobSeconds / mid.job.jobSeconds)}× that`,
          ]
        : []),
    ];
  });
}

function detailLines(s: Scenario): string[] {
  const name = MODE_NAMES[s.mode];
  const out: string[] = [];
  for (const r of s.runs) {
    out.push(`${r.kind}, ${name}: phases ${phasesText(r.job)}`);
    out.push(
      `  CPU s until the job finished: service ${s1(r.cpu.service)}, PostgreSQL ${s1(r.cpu.postgres)}, emulator (with the change driver) ${s1(r.cpu.emulator)}, bench ${s1(r.cpu.bench)}, whole machine ${s1(r.cpu.busy)}`,
    );
    out.push(`  WeCom calls: ${callsText(r.calls)}`);
    const counts = r.job.job.counts;
    if (r.braked !== undefined) out.push(`  stopped for a decision with ${r.braked} staged, all gone from WeCom: confirmed`);
    out.push(
      `  job counts: departments ${JSON.stringify(counts.departments)}, members ${JSON.stringify(counts.members)}; staged ${r.check.staged}, deprovisioned ${r.check.deprovisioned}`,
    );
    if (r.drive) {
      out.push(
        `  changes: ${kindsText(r.changes)}; ${r.drive.delivered.size} distinct callbacks delivered, ${r.drive.silent} without a callback, ${r.drive.refused.length} refused by WeCom (60008), ${r.drive.failures.length} failed`,
      );
    }
    out.push(...differenceExamples(r.check).map((l) => `  ${l}`));
    out.push(...r.traces.map((l) => `  ${l}`));
  }
  const p = s.logProblems;
  if (p.count > 0)
    out.push(`service log (${name}): ${p.count} warnings/errors: ${[...p.byMessage].map(([msg, v]) => `${msg} ×${v.n}`).join("; ")}`);
  for (const [, v] of [...p.byMessage].slice(0, EXAMPLES)) out.push(`  e.g. ${v.sample}`);
  return out;
}

function differenceExamples(c: MirrorCheck): string[] {
  const out: string[] = [];
  for (const [what, d] of [
    ["member", c.members],
    ["department", c.departments],
  ] as const) {
    if (d.missing.length > 0) out.push(`${what}s missing from the mirror: ${d.missing.slice(0, EXAMPLES).join(", ")}`);
    if (d.extra.length > 0) out.push(`${what}s in the mirror, not in WeCom: ${d.extra.slice(0, EXAMPLES).join(", ")}`);
    const fields = new Map<string, number>();
    for (const x of d.differing) for (const f of x.fields) fields.set(f, (fields.get(f) ?? 0) + 1);
    if (fields.size > 0) out.push(`${what}s differing by field: ${[...fields].map(([f, n]) => `${f} ${n}`).join(", ")}`);
    for (const x of d.differing.slice(0, EXAMPLES))
      out.push(`${what} ${x.key}: mirror ${JSON.stringify(x.mirror)}, WeCom ${JSON.stringify(x.wecom)}`);
  }
  return out;
}

function report(quiet: Scenario, untold: Scenario, busy: Scenario, machineLine: string): void {
  console.log("");
  console.log(
    table(
      [
        "run",
        "job s",
        "converged s",
        "changes sent",
        "callbacks recv/proc/ign/dead",
        "diffs members/depts",
        "wrongly staged/deprov.",
        "user/get",
      ],
      resultRows([quiet, untold, busy]),
      [false, true, true, false, true, true, true, true],
    ),
  );
  console.log("");
  for (const line of ratioLines(quiet, untold, busy)) console.log(line);
  console.log("");
  for (const line of [quiet, untold, busy].flatMap(detailLines)) console.log(line);
  for (const s of [quiet, untold, busy]) {
    for (const r of s.runs) if (r.statements) printLogSummary(`the ${r.kind} ${MODE_NAMES[s.mode]}, until the job finished`, r.statements);
  }
  console.log(`Machine: ${machineLine}`);
}

export async function run(): Promise<boolean> {
  const admin = postgres(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, { max: 1, onnotice: () => {} });
  const machineLine = await announceMachine(admin);
  await admin.end();
  console.log(
    `Org: ${int(ORG.departments)} departments, ${int(ORG.users)} members (generated, seed ${ORG.seed}); ${int(CHANGES)} changes per sync (seed ${CHANGES_SEED}) over ${WINDOW === "members" ? "its members phase" : "the whole sync"}, ${IN_FLIGHT} in flight; WeCom answers ${WECOM_MS > 0 ? `after ${WECOM_MS} ms` : "at once"}; ${RESYNC ? "import and re-sync" : "import only"}`,
  );
  const started = performance.now();
  const quiet = await runScenario("unchanged", undefined);
  if (!quiet.ok) return false;
  const windows: Windows = Object.fromEntries(quiet.scenario.runs.map((r) => [r.kind, changesWindow(r.job)]));
  const untold = await runScenario("untold", windows);
  const busy = await runScenario("told", windows);
  report(quiet.scenario, untold.scenario, busy.scenario, machineLine);
  console.log(`Whole benchmark: ${s1((performance.now() - started) / 1000)} s`);
  return quiet.ok && untold.ok && busy.ok;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = (await run()) ? 0 : 1;
