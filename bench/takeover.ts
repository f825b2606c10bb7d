// takeover: how long a dead instance's work waits. Three real service processes (as `npm start`
// runs them) share one scratch PostgreSQL database and the WeCom emulator. Each round binds a new
// team, starts its import, and once the job is listing members kills the instance whose runner
// holds it (kill -9, found from sync_jobs.runner_id and that instance's "sync job claimed" log
// line); it measures the seconds until another instance's runner holds the job and until the job
// succeeded, and checks the import is exact and complete (no member or audit row twice). Then
// inbox rounds: a contact-change callback whose user/get the emulator holds for a minute, posted
// to one instance, which is killed while its handler waits for that answer; measured until another instance claimed
// the row again and until it was processed. The killed instance is restarted after each round.
// Goal (informational, never asserted): median takeover ≤ 30 s.
// The run fails (exit 1) only when something is wrong: a job failed, was not taken over, or left
// the mirror wrong; a callback was not processed; a server did not exit cleanly.
//
//   npm run bench takeover
//   DATABASE_URL=postgres://… npm run bench takeover     (server to create the scratch db on)
//   BENCH_TAKEOVER_ROUNDS=3 BENCH_TAKEOVER_USERS=10000 npm run bench takeover
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import postgres from "postgres";
import { EMULATOR_BINDING as BINDING, envInt } from "./lib/env";
import { changeContactXml, sealMessage, toQueryString } from "../test/helpers/wecom-envelope";
import { freePort, startServer, type ServerChild } from "./lib/child";
import { announceMachine, table } from "./lib/report";
import { scratchRun } from "./lib/scratch";
import { serviceScript } from "./lib/service-script";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Small enough that five rounds fit in a few minutes, large enough that the import is mid-way when killed. */
const ORG = { departments: envInt("BENCH_TAKEOVER_DEPARTMENTS", 300), users: envInt("BENCH_TAKEOVER_USERS", 15_000), seed: 1 };
const ROUNDS = envInt("BENCH_TAKEOVER_ROUNDS", 5);
const INBOX_ROUNDS = envInt("BENCH_TAKEOVER_INBOX_ROUNDS", 3);
const INSTANCES = 3;
const POLL_MS = 100;
const ROUND_TIMEOUT_MS = 5 * 60_000;
const GOAL_SECONDS = 30;
/** How long the emulator holds the killed claimer's user/get: far longer than a takeover. */
const HOLD_MS = 120_000;

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

/** Polls `probe` until it answers something, or throws after the round's timeout. */
async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = performance.now() + ROUND_TIMEOUT_MS;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

/** The instance whose log says it claimed a job as `runnerId`. */
function claimerOf(instances: Instance[], runnerId: string): Instance | undefined {
  return instances.find((i) => {
    let text = "";
    try {
      text = readFileSync(i.child.logFile, "utf8");
    } catch {
      return false;
    }
    return text.split("\n").some((line) => line.includes('"msg":"sync job claimed"') && line.includes(runnerId));
  });
}

interface Instance {
  slot: number;
  child: ServerChild;
  base: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const sec = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "–");

interface JobRound {
  round: number;
  killed: string;
  leaseLeft: number;
  takenOver: number;
  succeeded: number;
  taker: string;
  phaseAtKill: string;
}

interface InboxRound {
  round: number;
  killed: string;
  leaseLeft: number;
  reclaimed: number;
  processed: number;
}

export async function run(): Promise<boolean> {
  let db: postgres.Sql | undefined;
  const instances: Instance[] = [];
  const others: ServerChild[] = [];
  const exits: { name: string; code: number | null; signal: string | null; killed?: boolean }[] = [];
  const scratch = scratchRun(async () => {
    for (const i of instances.splice(0)) await i.child.stop();
    for (const c of others.splice(0)) await c.stop();
    await db?.end();
  });
  const { dbName, dbUrl, logDir, admin } = scratch;
  const failures: string[] = [];
  return scratch.execute(async () => {
    const machineLine = await announceMachine(admin);
    console.log(
      `Org: ${ORG.departments} departments, ${ORG.users} members; ${INSTANCES} instances; ${ROUNDS} job rounds, ${INBOX_ROUNDS} inbox rounds`,
    );
    await admin.unsafe(`create database ${dbName}`);
    db = postgres(dbUrl.toString(), { max: 1, onnotice: () => {} });
    const sql = db;

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
    });
    others.push(emulator);
    const emu = `http://127.0.0.1:${emulator.port}`;

    const built = await serviceScript(ROOT);
    console.log(`service: ${built.label}`);
    const adminToken = randomBytes(16).toString("hex");
    const appSecret = randomBytes(24).toString("hex");
    let generation = 0;
    const startInstance = async (slot: number): Promise<Instance> => {
      const port = await freePort();
      const child = await startServer({
        name: `svc${slot}-${++generation}`,
        script: built.script,
        cwd: ROOT,
        env: {
          PORT: String(port),
          DATABASE_URL: dbUrl.toString(),
          APP_SECRET: appSecret,
          ADMIN_TOKEN: adminToken,
          PUBLIC_URL: `http://127.0.0.1:${port}`,
          WECOM_API_BASE: emu,
          WECOM_OAUTH_BASE: emu,
        },
        logDir,
      });
      return { slot, child, base: `http://127.0.0.1:${port}` };
    };
    // The first one alone runs the migrations; the others find them done.
    instances.push(await startInstance(0));
    for (let slot = 1; slot < INSTANCES; slot++) instances.push(await startInstance(slot));

    const kill = async (victim: Instance): Promise<void> => {
      process.kill(victim.child.pid, "SIGKILL");
      exits.push({ name: victim.child.name, ...(await victim.child.stop()), killed: true });
      instances.splice(instances.indexOf(victim), 1);
    };
    const restart = async (slot: number) => {
      instances.push(await startInstance(slot));
      instances.sort((a, b) => a.slot - b.slot);
    };

    // -------------------------------------------------------------------------------------------
    // Sync jobs.
    const jobRounds: JobRound[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const slug = `r${round}`;
      const via = instances[(round - 1) % instances.length]!;
      await http(via.base, "POST", "/api/teams", { token: adminToken, body: { slug, name: `Round ${round}` }, expect: [201] });
      await http(via.base, "PUT", `/api/teams/${slug}/wecom`, { token: adminToken, body: BINDING });
      const { job } = await http<{ job: { id: number } }>(via.base, "POST", `/api/teams/${slug}/sync`, {
        token: adminToken,
        expect: [202],
      });
      type Row = { runner_id: string | null; state: string; phase: string; lease_left_ms: number | null };
      const jobRow = async () =>
        (
          await sql<
            Row[]
          >`select runner_id, state, phase, (extract(epoch from lease_until - now()) * 1000)::float8 as lease_left_ms from sync_jobs where id = ${job.id}`
        )[0]!;
      // Mid-import: the runner is listing members.
      const before = await until("the job to list members", async () => {
        const r = await jobRow();
        if (r.state !== "running" && r.state !== "queued")
          throw new Error(`job ${job.id} ${r.state} before it could be killed (a larger org: BENCH_TAKEOVER_USERS)`);
        return r.runner_id !== null && r.phase === "members" ? r : undefined;
      });
      const victim = claimerOf(instances, before.runner_id!);
      if (!victim) throw new Error(`no instance logged "sync job claimed" for runner ${before.runner_id}`);
      await kill(victim);
      const killedAt = performance.now();
      const leaseLeft = (before.lease_left_ms ?? 0) / 1000;
      const taken = await until("another runner to hold the job", async () => {
        const r = await jobRow();
        return (r.runner_id !== null && r.runner_id !== before.runner_id) || r.state === "succeeded" ? r : undefined;
      });
      const takenOver = (performance.now() - killedAt) / 1000;
      const taker = taken.runner_id ? (claimerOf(instances, taken.runner_id)?.child.name ?? "?") : "?";
      const done = await until("the job to finish", async () => {
        const r = await jobRow();
        return r.state === "running" || r.state === "queued" ? undefined : r;
      });
      const succeeded = (performance.now() - killedAt) / 1000;
      if (done.state !== "succeeded") failures.push(`round ${round}: job ${job.id} ended ${done.state}`);
      const [check] = await sql<{ members: number; created: number; counted: number }[]>`
        select (select count(*)::int from members m join teams t on t.id = m.team_id where t.slug = ${slug}) as members,
               (select count(*)::int from audit_log a join teams t on t.id = a.team_id where t.slug = ${slug} and a.action = 'member.created') as created,
               (select (counts#>>'{members,created}')::int from sync_jobs where id = ${job.id}) as counted`;
      if (check?.members !== ORG.users || check.created !== ORG.users || check.counted !== ORG.users) {
        failures.push(
          `round ${round}: ${check?.members} member rows, ${check?.created} member.created audit rows, job counted ${check?.counted}; expected ${ORG.users} each`,
        );
      }
      jobRounds.push({ round, killed: victim.child.name, leaseLeft, takenOver, succeeded, taker, phaseAtKill: before.phase });
      console.log(
        `round ${round}: killed ${victim.child.name} (lease ${sec(leaseLeft)} s left) → ${taker} holds the job after ${sec(takenOver)} s, succeeded after ${sec(succeeded)} s`,
      );
      await restart(victim.slot);
    }

    // -------------------------------------------------------------------------------------------
    // Callback inbox: a claimer killed while its handler waits on WeCom.
    const inboxRounds: InboxRound[] = [];
    const [team] = await sql<{ id: number }[]>`select id::int as id from teams where slug = 'r1'`;
    const userIds = (
      await sql<{ u: string }[]>`select wecom_user_id as u from members where team_id = ${team!.id} order by id limit ${INBOX_ROUNDS}`
    ).map((r) => r.u);
    for (let round = 1; round <= INBOX_ROUNDS; round++) {
      const target = instances[(round - 1) % instances.length]!;
      await http(emu, "POST", "/_emulator/faults", { body: { api: "user/get", delayMs: HOLD_MS, times: 1 } });
      const userGets = async () => (await http<{ counts: Record<string, number> }>(emu, "GET", "/_emulator/calls")).counts["user/get"] ?? 0;
      const userGetsBefore = await userGets();
      // Just after a 5 s boundary, so the receiving instance's own drain claims the row before any
      // instance's inbox-sweep does.
      await sleep(5_000 - (Date.now() % 5_000) + 200);
      const timestamp = String(Math.floor(Date.now() / 1000));
      const plaintext = changeContactXml({
        toUserName: BINDING.corpId,
        changeType: "update_user",
        userId: userIds[round - 1]!,
        createTime: timestamp,
      });
      const sealed = await sealMessage({
        token: BINDING.token,
        encodingAesKey: BINDING.encodingAesKey,
        receiveId: BINDING.corpId,
        plaintext,
        timestamp,
        nonce: String(round),
      });
      const res = await fetch(`${target.base}/wecom/r1/callback?${toQueryString(sealed.query)}`, {
        method: "POST",
        headers: { "content-type": "text/xml" },
        body: sealed.body,
      });
      if (res.status !== 200) throw new Error(`callback: ${res.status} ${await res.text()}`);
      type Row = { id: number; status: string; attempts: number; lease_left_ms: number | null };
      const [latest] = await sql<
        { id: number }[]
      >`select id::int as id from callback_inbox where team_id = ${team!.id} order by id desc limit 1`;
      const inboxRow = async () =>
        (
          await sql<
            Row[]
          >`select id::int as id, status, attempts, (extract(epoch from locked_until - now()) * 1000)::float8 as lease_left_ms from callback_inbox where id = ${latest!.id}`
        )[0]!;
      const claimed = await until("the callback to be claimed", async () => {
        const r = await inboxRow();
        return r.status === "processing" ? r : r.status === "pending" ? undefined : r;
      });
      if (claimed.status !== "processing") {
        failures.push(`inbox round ${round}: the row was ${claimed.status} before the kill`);
        continue;
      }
      // Killed while its handler waits on WeCom's answer, not before it asked.
      await until("the claimer's user/get", async () => ((await userGets()) > userGetsBefore ? true : undefined));
      await kill(target);
      const killedAt = performance.now();
      const reclaimed = await until("the row to be claimed again", async () => {
        const r = await inboxRow();
        return r.attempts > claimed.attempts || r.status === "processed" ? r : undefined;
      });
      const reclaimedS = (performance.now() - killedAt) / 1000;
      const done = await until("the row to be processed", async () => {
        const r = await inboxRow();
        return r.status === "processing" || r.status === "pending" ? undefined : r;
      });
      const processedS = (performance.now() - killedAt) / 1000;
      if (reclaimed.attempts === claimed.attempts)
        failures.push(`inbox round ${round}: not claimed again (another instance had it first?)`);
      if (done.status !== "processed") failures.push(`inbox round ${round}: the row ended ${done.status}`);
      inboxRounds.push({
        round,
        killed: target.child.name,
        leaseLeft: (claimed.lease_left_ms ?? 0) / 1000,
        reclaimed: reclaimedS,
        processed: processedS,
      });
      console.log(
        `inbox round ${round}: killed ${target.child.name} → claimed again after ${sec(reclaimedS)} s, processed after ${sec(processedS)} s`,
      );
      await http(emu, "DELETE", "/_emulator/faults", { expect: [200, 204] });
      await restart(target.slot);
    }

    // -------------------------------------------------------------------------------------------
    console.log("");
    console.log(
      table(
        ["round", "killed", "phase", "lease left at kill, s", "another runner holds it, s", "job succeeded, s", "taken over by"],
        jobRounds.map((r) => [String(r.round), r.killed, r.phaseAtKill, sec(r.leaseLeft), sec(r.takenOver), sec(r.succeeded), r.taker]),
        [true, false, false, true, true, true, false],
      ),
    );
    if (inboxRounds.length > 0) {
      console.log("");
      console.log(
        table(
          ["inbox round", "killed", "lease left at kill, s", "claimed again, s", "processed, s"],
          inboxRounds.map((r) => [String(r.round), r.killed, sec(r.leaseLeft), sec(r.reclaimed), sec(r.processed)]),
          [true, false, true, true, true],
        ),
      );
    }
    const t = jobRounds.map((r) => r.takenOver);
    const s = jobRounds.map((r) => r.succeeded);
    const ir = inboxRounds.map((r) => r.reclaimed);
    console.log("");
    console.log(
      table(
        ["seconds after kill -9", "median", "max"],
        [
          ["sync job: another instance's runner holds it", sec(median(t)), sec(Math.max(...t))],
          ["sync job: succeeded", sec(median(s)), sec(Math.max(...s))],
          ...(ir.length > 0 ? [["inbox row: claimed again by another instance", sec(median(ir)), sec(Math.max(...ir))]] : []),
        ],
        [false, true, true],
      ),
    );
    console.log(`Goal: median takeover ≤ ${GOAL_SECONDS} s: ${median(t) <= GOAL_SECONDS ? "met" : "not met"}`);
    console.log(`Machine: ${machineLine}`);

    // Killed instances exit by SIGKILL; every other one must stop cleanly on SIGTERM.
    for (const i of instances.splice(0)) exits.push({ name: i.child.name, ...(await i.child.stop()) });
    for (const c of others.splice(0)) exits.push({ name: c.name, ...(await c.stop()) });
    for (const e of exits) if (!e.killed && e.code !== 0) failures.push(`${e.name} exited with ${e.code ?? e.signal} instead of 0`);
    return failures;
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = (await run()) ? 0 : 1;
