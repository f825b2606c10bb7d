// webhooks: outbound webhooks under an import. The real Node service imports a WeCom emulator org
// (100,000 members, 2,000 departments, seed 1) on a scratch PostgreSQL database twice, each on a
// database, emulator and service of its own: once with no webhook endpoint, once with one endpoint
// pointing at a receiver in this process that verifies every request with the independent
// `standardwebhooks` package and answers 200 at once. The service sends as it does in production
// (its webhook-deliver schedule, every 5 s, and the delivery each job defers), while the import runs.
// Reports events per second, delivery lag (the event's `timestamp` → received here, p50/p99/max),
// the outbox at its peak (pending deliveries), and the import time with the endpoint against the
// one without. Goal (informational, never asserted): import with one endpoint ≤ 1.15 × without.
// The run fails (exit 1) when an event is lost, received twice, not verified or out of order per
// subject, when a delivery needed a retry or failed, when a job did not succeed, or a server did
// not exit cleanly.
//
//   npm run bench webhooks
//   BENCH_MEMBERS=10000 npm run bench webhooks          (a smaller org; departments: members / 50)
//   DATABASE_URL=postgres://… npm run bench webhooks    (server to create the scratch databases on)
//   BENCH_CPU_PROF=/tmp/prof npm run bench webhooks     (--cpu-prof the service and the emulator)
//   BENCH_PG_LOG=/var/log/postgresql/postgresql-15-main.log npm run bench webhooks
//     (logs every statement of the scratch databases and prints the costliest from the POST until
//      everything was delivered; needs a superuser and that log readable; the logging slows the runs)
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import postgres from "postgres";
import { Webhook } from "standardwebhooks";
import type { ServerChild } from "./lib/child";
import { envInt } from "./lib/env";
import { jsonRequest } from "./lib/json-http";
import { logEveryStatement, logOffset, printLogSummary, summarizeLog, type LogSummary } from "./lib/pg-log";
import { announceMachine, int, table } from "./lib/report";
import { stackCpu, stackCpuSince, startStack, stopStack, STACK_SLUG, type Stack, type StackCpu } from "./lib/roster-stack";
import { DEFAULT_DATABASE_URL, scratchRun } from "./lib/scratch";
import { logProblems } from "./lib/service-log";
import { awaitJob, startSync, type FinishedJob } from "./lib/sync-job";

const MEMBERS = envInt("BENCH_MEMBERS", 100_000);
const ORG = { departments: envInt("BENCH_DEPARTMENTS", Math.max(1, Math.round(MEMBERS / 50))), users: MEMBERS, seed: 1 };
const PROF_DIR = process.env.BENCH_CPU_PROF;
const PROF_ARGS = PROF_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROF_DIR}`] : undefined;
const PG_LOG = process.env.BENCH_PG_LOG ? resolve(process.env.BENCH_PG_LOG) : undefined;

const JOB_TIMEOUT_MS = 20 * 60_000;
const DRAIN_TIMEOUT_MS = 20 * 60_000;
const POLL_MS = 250;
const GOAL_RATIO = 1.15;

// ---------------------------------------------------------------------------------------------
// The receiver

interface Receipt {
  id: string;
  type: string;
  /** What the event is about: its member's, department's or job's id. */
  subject: string;
  /** The event's own time (the change's), ms. */
  eventAt: number;
  receivedAt: number;
  verified: boolean;
}

interface Receiver {
  url: string;
  receipts: Receipt[];
  setSecret(secret: string): void;
  close(): Promise<void>;
}

function subjectOf(type: string, data: Record<string, unknown>): string {
  if (type.startsWith("member.")) return `member:${String(data.memberId)}`;
  if (type.startsWith("department.")) return `department:${String(data.departmentId)}`;
  return `job:${String(data.jobId)}`;
}

/** The applications' side: verifies each request with `standardwebhooks`, notes it, answers 200. */
async function startReceiver(): Promise<Receiver> {
  let hook: Webhook | undefined;
  const receipts: Receipt[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const receivedAt = Date.now();
      const body = Buffer.concat(chunks).toString("utf8");
      let verified = false;
      try {
        hook?.verify(body, req.headers as Record<string, string>);
        verified = hook !== undefined;
      } catch {
        verified = false;
      }
      const event = JSON.parse(body) as { type: string; timestamp: string; data: Record<string, unknown> };
      receipts.push({
        id: String(req.headers["webhook-id"]),
        type: event.type,
        subject: subjectOf(event.type, event.data),
        eventAt: Date.parse(event.timestamp),
        receivedAt,
        verified,
      });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    receipts,
    setSecret: (secret) => void (hook = new Webhook(secret)),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// One import, with or without an endpoint

interface Outbox {
  events: number;
  deliveries: number;
  delivered: number;
  retried: number;
  failed: number;
  /** Most deliveries pending at once, from their created_at and delivered_at. */
  peak: number;
}

interface Delivery {
  seconds: number;
  /** From the job's end (the poll that saw it) until nothing was pending. */
  drainedAfterJob: number;
  outbox: Outbox;
  receipts: Receipt[];
  timedOut: boolean;
  /** CPU from the poll that saw the job end until nothing was pending: delivery alone. */
  cpu: StackCpu;
}

interface ImportRun {
  withEndpoint: boolean;
  job: FinishedJob;
  cpu: StackCpu;
  delivery?: Delivery;
  statements?: LogSummary;
  logProblems: ReturnType<typeof logProblems>;
  failures: string[];
}

/** What is still to be sent: pending deliveries, and the events of outbox batches not yet fanned out. */
async function pendingCount(sql: postgres.Sql): Promise<number> {
  const [r] = await sql<{ n: number }[]>`
    select (select count(*) from webhook_deliveries where status = 'pending')::int
      + (select coalesce(sum(coalesce(cardinality(audit_ids), 0) + coalesce(jsonb_array_length(events), 0)), 0) from webhook_batches)::int as n`;
  return r?.n ?? 0;
}

async function outboxOf(sql: postgres.Sql): Promise<Outbox> {
  const [e] = await sql<{ n: number }[]>`select count(*)::int as n from webhook_events`;
  const [d] = await sql<{ n: number; delivered: number; retried: number; failed: number }[]>`
    select count(*)::int as n, count(*) filter (where status = 'delivered')::int as delivered,
      count(*) filter (where attempts > 1)::int as retried, count(*) filter (where status = 'failed')::int as failed
    from webhook_deliveries`;
  const [p] = await sql<{ peak: number | null }[]>`
    select max(pending)::int as peak from (
      select sum(delta) over (order by at, delta rows unbounded preceding) as pending from (
        select created_at as at, 1 as delta from webhook_deliveries
        union all select delivered_at, -1 from webhook_deliveries where delivered_at is not null) x) y`;
  return {
    events: e?.n ?? 0,
    deliveries: d?.n ?? 0,
    delivered: d?.delivered ?? 0,
    retried: d?.retried ?? 0,
    failed: d?.failed ?? 0,
    peak: p?.peak ?? 0,
  };
}

async function importOnce(withEndpoint: boolean): Promise<{ run?: ImportRun; ok: boolean }> {
  const running: ServerChild[] = [];
  let stack: Stack | undefined;
  let receiver: Receiver | undefined;
  const scratch = scratchRun(async () => {
    await receiver?.close();
    await stack?.sql.end();
    for (const child of running.reverse()) await child.stop();
  });
  let run: ImportRun | undefined;
  const name = withEndpoint ? "one endpoint" : "no endpoint";
  const ok = await scratch.execute(async () => {
    await scratch.admin.unsafe(`create database ${scratch.dbName}`);
    if (PG_LOG) await logEveryStatement(scratch.admin, scratch.dbName);
    stack = await startStack({
      org: ORG,
      dbUrl: scratch.dbUrl.toString(),
      logDir: scratch.logDir,
      running,
      nodeArgs: PROF_ARGS,
      serviceEnv: { WEBHOOK_ALLOW_PRIVATE: "true" },
    });
    const api = { svc: stack.svc, slug: STACK_SLUG, token: stack.adminToken };
    if (withEndpoint) {
      receiver = await startReceiver();
      const { endpoint } = await jsonRequest<{ endpoint: { secret: string } }>(stack.svc, "POST", `/api/teams/${STACK_SLUG}/webhooks`, {
        token: stack.adminToken,
        body: { url: receiver.url },
      });
      receiver.setSecret(endpoint.secret);
    }
    const cpu0 = stackCpu(stack);
    const log0 = PG_LOG ? logOffset(PG_LOG) : 0;
    const started = await startSync(api);
    const job = await awaitJob(api, started, JOB_TIMEOUT_MS);
    const cpu = stackCpuSince(cpu0, stackCpu(stack));
    let delivery: Delivery | undefined;
    if (receiver) {
      const jobSeen = performance.now();
      const cpuJob = stackCpu(stack);
      const deadline = jobSeen + DRAIN_TIMEOUT_MS;
      let pending = await pendingCount(stack.sql);
      while (pending > 0 && performance.now() < deadline) {
        await sleep(POLL_MS);
        pending = await pendingCount(stack.sql);
      }
      const drained = performance.now();
      delivery = {
        seconds: (drained - started.t0) / 1000,
        drainedAfterJob: (drained - jobSeen) / 1000,
        outbox: await outboxOf(stack.sql),
        receipts: receiver.receipts,
        timedOut: pending > 0,
        cpu: stackCpuSince(cpuJob, stackCpu(stack)),
      };
    }
    const statements = PG_LOG ? summarizeLog(PG_LOG, log0, logOffset(PG_LOG), stack.dbName) : undefined;
    const failures = await stopStack(stack, running);
    run = { withEndpoint, job, cpu, delivery, statements, logProblems: logProblems(stack.service.logFile), failures: [] };
    run.failures = [...failures, ...runFailures(run)];
    console.log(`  ${name}: ${runLine(run)}`);
    return run.failures.map((f) => `${name}: ${f}`);
  });
  return { run, ok };
}

function runFailures(run: ImportRun): string[] {
  const f: string[] = [];
  const j = run.job.job;
  if (j.state !== "succeeded") f.push(`the import ended ${j.state}: ${JSON.stringify(j.error ?? j.breaker ?? null)}`);
  if (j.counts.members.created !== ORG.users) f.push(`the import created ${j.counts.members.created} members, not ${ORG.users}`);
  const d = run.delivery;
  if (!d) return f;
  const o = d.outbox;
  if (d.timedOut) f.push(`${int(o.deliveries - o.delivered)} deliveries still pending ${DRAIN_TIMEOUT_MS / 60_000} min after the job`);
  const expected = ORG.users + ORG.departments + 1;
  if (o.events !== expected) f.push(`the outbox holds ${o.events} events, expected ${expected} (members, departments, sync.succeeded)`);
  const byId = new Map<string, number>();
  for (const r of d.receipts) byId.set(r.id, (byId.get(r.id) ?? 0) + 1);
  const doubled = [...byId.values()].filter((n) => n > 1).length;
  if (byId.size !== o.events) f.push(`received ${byId.size} distinct events, the outbox holds ${o.events}`);
  if (doubled > 0) f.push(`${doubled} events received more than once`);
  const unverified = d.receipts.filter((r) => !r.verified).length;
  if (unverified > 0) f.push(`${unverified} requests failed standardwebhooks verification`);
  if (o.retried > 0 || o.failed > 0) f.push(`${o.retried} deliveries needed a retry, ${o.failed} failed`);
  const outOfOrder = unorderedSubjects(d.receipts);
  if (outOfOrder > 0) f.push(`${outOfOrder} subjects received out of order`);
  return f;
}

/** Subjects whose events arrived in another order than they happened. */
function unorderedSubjects(receipts: Receipt[]): number {
  const last = new Map<string, number>();
  const bad = new Set<string>();
  for (const r of receipts) {
    if ((last.get(r.subject) ?? -Infinity) > r.eventAt) bad.add(r.subject);
    last.set(r.subject, r.eventAt);
  }
  return bad.size;
}

// ---------------------------------------------------------------------------------------------
// Report

const s1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "–");
const s2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "–");

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

interface DeliveryFigures {
  events: number;
  perSecond: number;
  /** First to last request received. */
  spanSeconds: number;
  lag: { p50: number; p99: number; max: number };
}

function figures(d: Delivery): DeliveryFigures {
  const r = d.receipts;
  const first = Math.min(...r.map((x) => x.receivedAt));
  const last = Math.max(...r.map((x) => x.receivedAt));
  const span = (last - first) / 1000;
  const lags = r.map((x) => x.receivedAt - x.eventAt).sort((a, b) => a - b);
  return {
    events: r.length,
    perSecond: r.length / Math.max(span, 0.001),
    spanSeconds: span,
    lag: { p50: quantile(lags, 0.5), p99: quantile(lags, 0.99), max: lags[lags.length - 1] ?? Number.NaN },
  };
}

function runLine(run: ImportRun): string {
  const d = run.delivery;
  const head = `import ${s2(run.job.jobSeconds)} s (job createdAt → finishedAt; ${s2(run.job.seconds)} s POST → poll), ${run.job.job.state}`;
  if (!d) return head;
  const f = figures(d);
  return `${head}; ${int(f.events)} requests received, all delivered ${s1(d.seconds)} s after the POST (${s1(d.drainedAfterJob)} s after the job), ${int(f.perSecond)} events/s, lag p99 ${s1(f.lag.p99 / 1000)} s, outbox peak ${int(d.outbox.peak)}`;
}

function cpuText(c: StackCpu): string {
  return `service ${s1(c.service)}, PostgreSQL (scratch database) ${s1(c.postgres)}, emulator ${s1(c.emulator)}, bench (receiver) ${s1(c.bench)}, whole machine ${s1(c.busy)}`;
}

function report(plain: ImportRun, hooked: ImportRun, machineLine: string): void {
  const d = hooked.delivery!;
  const f = figures(d);
  const ratio = hooked.job.jobSeconds / plain.job.jobSeconds;
  console.log("");
  console.log(
    table(
      [
        "run",
        "import s",
        "ratio",
        "events",
        "events/s",
        "lag p50 s",
        "lag p99 s",
        "lag max s",
        "outbox peak",
        "all delivered s after POST",
      ],
      [
        ["no endpoint", s2(plain.job.jobSeconds), "1.00", "–", "–", "–", "–", "–", "–", "–"],
        [
          "one endpoint",
          s2(hooked.job.jobSeconds),
          s2(ratio),
          int(d.outbox.events),
          int(f.perSecond),
          s2(f.lag.p50 / 1000),
          s2(f.lag.p99 / 1000),
          s2(f.lag.max / 1000),
          int(d.outbox.peak),
          s1(d.seconds),
        ],
      ],
      [false, true, true, true, true, true, true, true, true, true],
    ),
  );
  console.log("");
  console.log(
    `Import with one endpoint ${s2(hooked.job.jobSeconds)} s vs none ${s2(plain.job.jobSeconds)} s = ${s2(ratio)}× (goal ≤ ${GOAL_RATIO}×: ${ratio <= GOAL_RATIO ? "met" : "not met"})`,
  );
  console.log(
    `Delivered: ${int(d.outbox.delivered)} of ${int(d.outbox.deliveries)} deliveries, ${int(new Set(d.receipts.map((r) => r.id)).size)} distinct events received in ${int(d.receipts.length)} requests ` +
      `(first to last ${s1(f.spanSeconds)} s), all verified: ${d.receipts.every((r) => r.verified) ? "yes" : "NO"}; ${d.outbox.retried} retried, ${d.outbox.failed} failed`,
  );
  for (const run of [plain, hooked]) {
    const name = run.withEndpoint ? "one endpoint" : "no endpoint";
    console.log(`CPU s during the import (${name}): ${cpuText(run.cpu)} — in ${s1(run.job.seconds)} s wall`);
    console.log(
      `  phases (${name}): ${run.job.phases.map((p, i) => `${p.phase} ${s1((run.job.phases[i + 1]?.at ?? run.job.seconds) - p.at)}`).join(", ")}`,
    );
    const p = run.logProblems;
    if (p.count > 0)
      console.log(
        `  service log (${name}): ${p.count} warnings/errors: ${[...p.byMessage].map(([msg, v]) => `${msg} ×${v.n}`).join("; ")}`,
      );
    if (run.delivery)
      console.log(
        `CPU s after the import until all was delivered: ${cpuText(run.delivery.cpu)} — in ${s1(run.delivery.drainedAfterJob)} s wall`,
      );
    if (run.statements) printLogSummary(`the import, ${name}`, run.statements);
  }
  console.log(`Machine: ${machineLine}`);
}

export async function run(): Promise<boolean> {
  const admin = postgres(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, { max: 1, onnotice: () => {} });
  const machineLine = await announceMachine(admin);
  await admin.end();
  console.log(
    `Org: ${int(ORG.departments)} departments, ${int(ORG.users)} members (generated, seed ${ORG.seed}); an import without an endpoint, then one with one`,
  );
  const plain = await importOnce(false);
  if (!plain.ok || !plain.run) return false;
  const hooked = await importOnce(true);
  if (hooked.run?.delivery) report(plain.run, hooked.run, machineLine);
  return hooked.ok;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = (await run()) ? 0 : 1;
