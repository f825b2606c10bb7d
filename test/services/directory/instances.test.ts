// Three instances of the service on one database and one WeCom, as behind a load balancer: an
// import whose runner is killed mid-way while WeCom changes, contact callbacks spread over the
// instances (shuffled, duplicated, re-delivered to another one), and the dead instance holding
// claimed callbacks. The others take its work over within 30 s (docs/operations.md) and the mirror
// converges to WeCom exactly (docs/observations.md).
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { createApp } from "../../../src/app";
import { claimDueInbox } from "../../../src/db/queries/inbox";
import { callbackInbox, stagedDeprovisions } from "../../../src/db/schema";
import { INBOX_LEASE_MS } from "../../../src/services/callbacks/process-inbox";
import { BINDING, boundTeam } from "../../helpers/api";
import { FakeClock, testDeps, type TestDeps } from "../../helpers/deps";
import { capturingEmulator, connectCallbacks, control } from "../../helpers/emulator";
import { crashAfterSteps, emulatorOrg, type OrgSnapshot } from "../../helpers/sync";
import {
  auditRows,
  expectedMirror,
  jobRow,
  memberRows,
  presentMirror,
  resetDatabase,
  seededRandom,
  stagedButPresent,
  startJob,
  teamIdOf,
} from "../../helpers/sync-scenarios";
import { onNodeSchedule } from "../../helpers/schedules";
import { syncTest } from "../../helpers/sync-fixture";

const ORG = { generate: { departments: 12, users: 90, seed: 11 } };
const TAKEOVER_BOUND_MS = 30_000;
const APP = createApp();

// The file's database from the fixture; the test builds its three instances itself.
// Set up in a hook (hookTimeout), not within the test's own timeout: the file's database opens there.
syncTest.beforeEach(({ db }) => void db);

/** An instance runs sync-resume and inbox-sweep on its own timers, as node-cron does on Node. */
function runSchedules(deps: TestDeps): void {
  for (const name of ["sync-resume", "inbox-sweep"]) onNodeSchedule(deps, name, () => deps.deferred.flush());
}

/** Changes to WeCom made while the import reads its pages: one batch per user/list call. */
function plannedChanges(org: OrgSnapshot): { batches: { method: string; path: string; body?: unknown }[][]; deleted: string } {
  const people = org.users.filter((u) => u.status !== 5);
  const depts = org.departments.filter((d) => d.id !== 1);
  const u = (i: number) => people[(i * 7) % people.length]!.userid;
  const d = (i: number) => depts[(i * 5) % depts.length]!.id;
  const batches = [
    [{ method: "POST", path: "/_emulator/users", body: { userid: "Late1", name: "新来的", department: [d(1)], main_department: d(1) } }],
    // Members writing to the app: due at once, while contact hints wait for the first import.
    [
      { method: "PATCH", path: `/_emulator/users/${u(1)}`, body: { name: "改了名" } },
      { method: "POST", path: "/_emulator/chat", body: { from: u(5), content: "帮助" } },
      { method: "POST", path: "/_emulator/chat", body: { from: u(6), content: "help" } },
    ],
    [{ method: "PATCH", path: `/_emulator/users/${u(2)}`, body: { department: [d(2), d(3)], main_department: d(3) } }],
    [{ method: "DELETE", path: `/_emulator/users/${u(3)}` }],
    [
      { method: "POST", path: "/_emulator/departments", body: { id: 900, name: "新部门", parentid: d(4) } },
      { method: "POST", path: "/_emulator/users", body: { userid: "Late2", name: "新部门的人", department: [900], main_department: 900 } },
    ],
    [{ method: "PATCH", path: `/_emulator/departments/${d(5)}`, body: { name: "改名部门" } }],
    [{ method: "PATCH", path: `/_emulator/users/${u(4)}`, body: { position: "新岗位", department: [d(6)], main_department: d(6) } }],
    [{ method: "PATCH", path: `/_emulator/users/${u(1)}`, body: { name: "又改了名" } }],
    [{ method: "PATCH", path: `/_emulator/users/Late1`, body: { department: [d(7)], main_department: d(7) } }],
  ];
  return { batches, deleted: u(3) };
}

syncTest(
  "three instances: the runner killed mid-import and a dead instance's claimed callbacks are taken over within 30 s; the mirror converges to WeCom, each callback stored once, one gettoken",
  async ({ db }) => {
    await resetDatabase(db);
    const random = seededRandom(15);
    const clock = new FakeClock();
    const { emulator, inFlight, counts, wecom } = capturingEmulator({ clock, org: ORG });
    const org = (await (await wecom("GET", "/_emulator/org")).json()) as OrgSnapshot;
    const { batches, deleted } = plannedChanges(org);
    const readingPage = async (input: string | URL | Request, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      const batch = url.includes("/cgi-bin/user/list") ? batches.shift() : undefined;
      // A second apart, so no two callbacks carry the same XML (which WeCom's retries would).
      for (const change of batch ?? []) {
        clock.advance(1_000);
        expect((await wecom(change.method, change.path, change.body)).status).toBe(200);
      }
      return emulator.fetch(input, init);
    };
    const shared = { ...emulator, fetch: readingPage };
    const [a, b, c] = [0, 1, 2].map(() => testDeps(db, { clock, emulator: shared })) as [TestDeps, TestDeps, TestDeps];
    await boundTeam(a, "acme");
    await connectCallbacks(a, "acme", BINDING);
    const teamId = await teamIdOf(a, "acme");

    const deliver = async (request: Request, to: TestDeps) => {
      const res = await APP.fetch(request.clone(), { deps: to });
      expect(res.status).toBe(200);
      to.deferred.queue.length = 0;
    };
    /** Every callback in flight, shuffled, to a random instance; a quarter also to another one. */
    const deliverAll = async (to: TestDeps[]) => {
      const batch = inFlight.splice(0).sort(() => random() - 0.5);
      for (const request of batch) {
        const i = Math.floor(random() * to.length);
        await deliver(request, to[i]!);
        if (random() < 0.25) await deliver(request, to[(i + 1) % to.length]!);
      }
    };

    // The admin's POST lands on B; A's sync-resume picks the job up, reads three steps and is killed.
    const jobId = await startJob(b, "acme");
    expect(await crashAfterSteps(a, jobId, 3)).toMatchObject({ state: "running" });
    const deadRunner = (await jobRow(a, jobId)).runnerId;
    const killedAt = clock.now().getTime();
    // WeCom's callbacks about the changes so far reach all three; A had claimed what was due (the
    // chat messages; the contact hints are parked until the import finishes).
    await deliverAll([a, b, c]);
    const claimedByA = await claimDueInbox(db, { now: clock.now(), leaseUntil: new Date(killedAt + INBOX_LEASE_MS), limit: 100 });
    expect(claimedByA.map((r) => r.handlerKey)).toEqual(["text", "text"]);
    expect((await db.select().from(callbackInbox)).filter((r) => r.status === "waiting").length).toBeGreaterThan(0);

    runSchedules(b);
    runSchedules(c);
    let jobTakenAt: number | undefined;
    let rowsTakenAt: number | undefined;
    const ids = claimedByA.map((r) => r.id);
    for (let t = 0; t < 120_000 && (jobTakenAt === undefined || rowsTakenAt === undefined);) {
      await b.ticker.pass(2_500);
      await c.ticker.pass(2_500);
      t = clock.now().getTime() - killedAt;
      const job = await jobRow(a, jobId);
      if (jobTakenAt === undefined && job.runnerId !== deadRunner) jobTakenAt = t;
      const rows = await db.select().from(callbackInbox);
      if (rowsTakenAt === undefined && rows.filter((r) => ids.includes(r.id)).every((r) => r.status !== "processing")) rowsTakenAt = t;
      // Callbacks keep arriving at the living instances.
      await deliverAll([b, c]);
    }
    expect(jobTakenAt).toBeLessThanOrEqual(TAKEOVER_BOUND_MS);
    expect(rowsTakenAt).toBeLessThanOrEqual(TAKEOVER_BOUND_MS);
    expect(
      [...b.logger.lines, ...c.logger.lines].filter((l) => l.msg === "sync job claimed" && l.fields?.jobId === jobId).length,
    ).toBeGreaterThan(0);

    // Whatever is left: every callback handled by the living instances.
    expect(batches).toEqual([]);
    for (
      let i = 0;
      i < 20 && (await db.select().from(callbackInbox)).some((r) => r.status !== "processed" && r.status !== "ignored");
      i++
    ) {
      await b.ticker.pass(5_000);
      await c.ticker.pass(0);
    }
    expect(await jobRow(a, jobId)).toMatchObject({ state: "succeeded", runnerId: null });

    const now = await emulatorOrg(a);
    const expected = expectedMirror(now);
    expect(await presentMirror(a, teamId)).toEqual(expected);
    expect(await stagedButPresent(a, jobId)).toEqual([]);
    const rows = await memberRows(a, teamId);
    expect(new Set(rows.map((m) => m.wecomUserKey)).size).toBe(rows.length);
    const created = (await auditRows(a, teamId, "member.created")).map((r) => r.subjectId);
    expect(new Set(created).size).toBe(created.length);
    const gone = rows.filter((m) => m.deprovisionedAt !== null).map((m) => m.wecomUserKey);
    // The one member deleted in WeCom is gone from the mirror (never created, if its department was
    // listed after the deletion); nobody else was deprovisioned.
    expect(gone.filter((key) => key !== deleted.toLowerCase())).toEqual([]);
    expect(rows.some((m) => m.wecomUserKey === deleted.toLowerCase() && m.deprovisionedAt === null)).toBe(false);
    expect(await db.select().from(stagedDeprovisions).where(eq(stagedDeprovisions.jobId, jobId))).toEqual([]);

    const inbox = await db.select().from(callbackInbox);
    expect(inbox).toHaveLength(counts.pushed);
    expect(inbox.every((r) => r.status === "processed" || r.status === "ignored")).toBe(true);
    const calls = (await control(a, "GET", "/_emulator/calls")) as { counts: Record<string, number> };
    expect(calls.counts.gettoken).toBe(1);
  },
  120_000,
);
