// A property of the whole: random schedules of a sync's steps, run by two instances in turn,
// interleaved with random contact changes in WeCom — some while a listing page is being read —
// whose callbacks arrive late, reordered, duplicated and at either instance, all converge to
// WeCom's final state, and no member who exists in WeCom is ever staged (docs/observations.md).
import { expect } from "vitest";
import type { Db } from "../../../src/db/types";
import { callbackInbox, stagedDeprovisions, syncJobs, wecomTokens } from "../../../src/db/schema";
import { processInbox } from "../../../src/services/callbacks/process-inbox";
import { createApp } from "../../../src/app";
import { BINDING } from "../../helpers/api";
import { FakeClock, testDeps, TEST_CORP_ID, type TestDeps } from "../../helpers/deps";
import { capturingEmulator, connectCallbacks, control } from "../../helpers/emulator";
import { emulatorOrg, syncNow, type OrgSnapshot } from "../../helpers/sync";
import {
  expectedMirror,
  jobRow,
  mirrorSnapshot,
  presentMirror,
  runSteps,
  seededRandom,
  stagedButPresent,
  startJob,
} from "../../helpers/sync-scenarios";
import { syncTest } from "../../helpers/sync-fixture";

const SCHEDULES = Number(process.env.CONVERGENCE_SCHEDULES ?? 500);
/** CONVERGENCE_SEED=n replays one schedule. */
const ONLY = process.env.CONVERGENCE_SEED ? Number(process.env.CONVERGENCE_SEED) : null;
/** Small enough that a schedule takes a fraction of a second, large enough for pages, moves and empty departments. */
const ORG = { generate: { departments: 4, users: 10, seed: 7 } };

// "acme" bound to ORG, not imported: the test snapshots the mirror before and after its import.
syncTest.override("setup", { sync: false, prepare: (d) => control(d, "POST", "/_emulator/reset", { corpId: TEST_CORP_ID, org: ORG }) });
// Set up in a hook (hookTimeout), not within the test's own timeout: the file's database opens there.
syncTest.beforeEach(({ acme }) => void acme);

/** One schedule's WeCom, two instances of the service sharing the database, and the callbacks in flight. */
interface Run {
  random: () => number;
  instances: TestDeps[];
  inFlight: Request[];
  org: OrgSnapshot;
  nextId: number;
  changesLeft: number;
  /** What happened, in order: printed when the schedule fails, to replay it by its seed. */
  trace: string[];
  /** Raw access to the emulator, beside the service's (wrapped) one. */
  wecom: (method: string, path: string, body?: unknown) => Promise<unknown>;
}

const pick = <T>(random: () => number, items: T[]): T => items[Math.floor(random() * items.length)]!;

/** One random change to WeCom's address book; its callback joins those in flight. */
async function changeWecom(run: Run): Promise<void> {
  const { random } = run;
  run.changesLeft--;
  const org = (await run.wecom("GET", "/_emulator/org")) as OrgSnapshot;
  const people = org.users.filter((u) => u.status !== 5);
  const departments = org.departments.map((d) => d.id);
  const someDepartments = () => [...new Set([pick(random, departments), pick(random, departments)])];
  const kind = Math.floor(random() * 8);
  const wecom = async (method: string, path: string, body?: unknown) => {
    run.trace.push(`wecom ${method} ${path} ${body === undefined ? "" : JSON.stringify(body)}`);
    return run.wecom(method, path, body);
  };
  if (kind === 0 || people.length === 0) {
    const department = someDepartments();
    await wecom("POST", "/_emulator/users", {
      userid: `New${run.nextId++}`,
      name: `新人${run.nextId}`,
      department,
      main_department: department[0],
    });
  } else if (kind === 1 || kind === 2) {
    await wecom(
      "PATCH",
      `/_emulator/users/${pick(random, people).userid}`,
      random() < 0.5 ? { name: `改名${run.nextId++}` } : { position: `岗位${run.nextId++}` },
    );
  } else if (kind === 3 || kind === 4) {
    const department = someDepartments();
    await wecom("PATCH", `/_emulator/users/${pick(random, people).userid}`, { department, main_department: department[0] });
  } else if (kind === 5) {
    await wecom("DELETE", `/_emulator/users/${pick(random, people).userid}`);
  } else if (kind === 6) {
    await wecom("POST", "/_emulator/departments", {
      id: 100 + run.nextId++,
      name: `新部门${run.nextId}`,
      parentid: pick(random, departments),
    });
  } else {
    const leaves = org.departments.filter((d) => d.id !== 1 && !org.departments.some((c) => c.parentid === d.id));
    const empty = leaves.filter((d) => !org.users.some((u) => u.department.includes(d.id)));
    const d = pick(random, leaves.length > 0 ? leaves : org.departments.filter((x) => x.id !== 1));
    if (empty.length > 0 && random() < 0.5) await wecom("DELETE", `/_emulator/departments/${pick(random, empty).id}`);
    else if (d) await wecom("PATCH", `/_emulator/departments/${d.id}`, { name: `部门${run.nextId++}` });
  }
}

/** Delivers a callback in flight (not the oldest: any), sometimes twice, to either instance. */
async function deliver(run: Run): Promise<void> {
  const i = Math.floor(run.random() * run.inFlight.length);
  const request = run.inFlight[i]!;
  if (run.random() < 0.8) run.inFlight.splice(i, 1);
  const n = Math.floor(run.random() * run.instances.length);
  const deps = run.instances[n]!;
  run.trace.push(`deliver to ${n}: ${/<ChangeType>(?:<!\[CDATA\[)?(\w+)/.exec(await request.clone().text())?.[1] ?? "?"}`);
  const res = await APP.fetch(request.clone(), { deps });
  expect(res.status).toBe(200);
  deps.deferred.queue.length = 0;
}

async function schedule(
  seed: number,
  base: { db: Db; org: OrgSnapshot; first: ReturnType<typeof mirrorSnapshot>; imported: ReturnType<typeof mirrorSnapshot> },
): Promise<void> {
  const random = seededRandom(seed);
  const db = base.db;
  const clock = new FakeClock();
  const { emulator, inFlight, wecom: raw } = capturingEmulator({ clock, org: ORG });
  const wecom = async (method: string, path: string, body?: unknown) => {
    const res = await raw(method, path, body);
    return res.headers.get("content-type")?.includes("json") ? res.json() : undefined;
  };
  const run: Run = {
    random,
    instances: [],
    inFlight,
    org: base.org,
    nextId: 1,
    changesLeft: 1 + Math.floor(random() * 6),
    wecom,
    trace: [],
  };
  // WeCom also changes while a listing page is being read.
  const readingPage = async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.includes("/cgi-bin/user/list") && run.changesLeft > 0 && random() < 0.3) await changeWecom(run);
    return emulator.fetch(input, init);
  };
  const shared = { ...emulator, fetch: readingPage };
  run.instances = [testDeps(db, { emulator: shared, clock }), testDeps(db, { emulator: shared, clock })];
  const [a] = run.instances as [TestDeps, TestDeps];

  // The team as it was: never imported, or imported from this same WeCom.
  const firstImport = random() < 0.3;
  await (firstImport ? base.first : base.imported).restore();
  await db.delete(callbackInbox);
  await db.delete(syncJobs);
  await db.delete(wecomTokens);
  if (!firstImport)
    await db.insert(syncJobs).values({
      teamId: teamIdOfRun,
      state: "succeeded",
      phase: "done",
      counts: emptyCounts,
      initiator: "admin",
      createdAt: clock.now(),
      updatedAt: clock.now(),
    });
  await connectCallbacks(a, "acme", BINDING);
  const jobId = await startJob(a, "acme");

  const actions: (() => Promise<boolean>)[] = [
    // A step of the job, by either instance: a step may stage, and whoever it stages is gone now.
    async () => {
      const job = await jobRow(a, jobId);
      if (job.state !== "running" && job.state !== "queued") return false;
      const n = Math.floor(random() * run.instances.length);
      run.trace.push(`step by ${n} in ${job.phase}`);
      await runSteps(run.instances[n]!, jobId);
      expect(await stagedButPresent(a, jobId), `seed ${seed}: ${run.trace.join("\n")}`).toEqual([]);
      return true;
    },
    async () => (run.changesLeft > 0 ? (await changeWecom(run), true) : false),
    async () => (inFlight.length > 0 ? (await deliver(run), true) : false),
    async () => {
      const n = Math.floor(random() * run.instances.length);
      const done = await processInbox(run.instances[n]!, { maxRows: 1 });
      if (done.processed + done.ignored + done.waiting + done.retried + done.dead > 0)
        run.trace.push(`inbox by ${n}: ${JSON.stringify(done)}`);
      return done.processed + done.ignored + done.waiting + done.retried + done.dead > 0;
    },
  ];
  for (let idle = 0; idle < 12;) idle = (await pick(random, actions)()) ? 0 : idle + 1;
  // Whatever is left: the job to its end, every callback delivered and handled.
  for (let job = await jobRow(a, jobId); job.state === "running" || job.state === "queued"; job = await jobRow(a, jobId))
    await runSteps(a, jobId);
  while (inFlight.length > 0) await deliver(run);
  while ((await processInbox(a)).processed > 0);

  const job = await jobRow(a, jobId);
  const why = `seed ${seed}${firstImport ? " (first import)" : ""}:\n${run.trace.join("\n")}`;
  expect(job.state, why).toBe("succeeded");
  expect(await presentMirror(a, teamIdOfRun), why).toEqual(expectedMirror(await emulatorOrg(a)));
  await db.delete(stagedDeprovisions);
}

let teamIdOfRun = 0;
const APP = createApp();
const emptyCounts = {
  departments: { created: 0, updated: 0, moved: 0, deleted: 0 },
  members: { created: 0, updated: 0, moved: 0, deprovisioned: 0 },
};

syncTest(
  `${SCHEDULES} random schedules of a sync, two instances and reordered, duplicated contact changes converge to WeCom, with nobody existing staged`,
  async ({ deps, acme: { teamId } }) => {
    const org = await emulatorOrg(deps);
    teamIdOfRun = teamId;
    const first = mirrorSnapshot(deps.db, teamIdOfRun, "never_imported");
    await first.take();
    expect((await syncNow(deps, "acme")).state).toBe("succeeded");
    const imported = mirrorSnapshot(deps.db, teamIdOfRun, "imported");
    await imported.take();
    for (let seed = ONLY ?? 1; seed <= (ONLY ?? SCHEDULES); seed++) await schedule(seed, { db: deps.db, org, first, imported });
    await first.drop();
    await imported.drop();
  },
  600_000,
);
