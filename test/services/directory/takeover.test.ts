import { eq } from "drizzle-orm";
import { describe, expect } from "vitest";
import { syncJobs } from "../../../src/db/schema";
import { JOB_LEASE_MS, runJob } from "../../../src/services/directory/run-job";
import { createWecomClient } from "../../../src/wecom/client";
import { wecomStorage } from "../../../src/services/wecom-storage";
import { testDeps, type TestDeps } from "../../helpers/deps";
import { control } from "../../helpers/emulator";
import { crashAfterSteps, emulatorOrg } from "../../helpers/sync";
import { auditRows, expectedMirror, jobRow, memberRows, mirror, rowVersions, startJob } from "../../helpers/sync-scenarios";
import { onNodeSchedule } from "../../helpers/schedules";
import { syncTest } from "../../helpers/sync-fixture";

/** Two instances on one database and one WeCom, each with its own timers; one clock (the database's). */
const takeoverTest = syncTest.extend("two", async ({ deps: a, acme: { teamId } }) => {
  const clock = a.clock;
  const b = testDeps(a.db, { clock, emulator: a.emulator });
  const org = await emulatorOrg(a);
  return { clock, a, b, teamId, org };
});
// "acme" is bound, not imported: each test drives its import.
takeoverTest.override("setup", { sync: false });
// Set up in a hook (hookTimeout), not within the first test's own timeout: the file's database opens there.
takeoverTest.beforeEach(({ two }) => void two);

/** Instance `deps` runs sync-resume on its ticker as node-cron would; remembers when it took a job. */
function runResumeSchedule(deps: TestDeps): { tookOverAt: number[] } {
  const tookOverAt: number[] = [];
  onNodeSchedule(deps, "sync-resume", (resumed, at) => {
    if ((resumed as number) > 0) tookOverAt.push(at);
  });
  return { tookOverAt };
}

/**
 * A runner of `deps` whose WeCom back-offs wait for the test: the runner is alive inside a step
 * (its process may still beat) until `resume()`; a 45009 on a member page sends it there.
 */
function stallingRunner(deps: TestDeps) {
  let stalled!: () => void;
  const reached = new Promise<void>((resolve) => (stalled = resolve));
  let resume!: () => void;
  const released = new Promise<void>((resolve) => (resume = resolve));
  const wecom = createWecomClient({
    storage: wecomStorage(deps.db, deps.secrets),
    clock: deps.clock,
    logger: deps.logger,
    apiBase: deps.config.wecomApiBase,
    fetch: deps.emulator.fetch,
    sleep: async () => {
      stalled();
      await released;
    },
    budget: deps.config.wecomBudget,
  });
  return { deps: { ...deps, wecom }, reached, resume };
}

/**
 * A's import, stalled inside its members step: WeCom answers the second user/list with 45009 and
 * the back-off's sleep holds until `runner.resume()`.
 */
async function stalledInAStep(a: TestDeps) {
  const jobId = await startJob(a, "acme");
  await control(a, "POST", "/_emulator/faults", { api: "user/list", errcode: 45009, afterCalls: 1, times: 1 });
  const runner = stallingRunner(a);
  const aDone = runJob(runner.deps, jobId);
  await runner.reached;
  return { jobId, runner, aDone };
}

async function expectCleanImport(deps: TestDeps, teamId: number, org: Awaited<ReturnType<typeof emulatorOrg>>, jobId: number) {
  const expected = expectedMirror(org);
  expect(await mirror(deps, teamId)).toEqual(expected);
  expect(await memberRows(deps, teamId)).toHaveLength(expected.members.length);
  expect(await auditRows(deps, teamId, "member.created")).toHaveLength(expected.members.length);
  expect(await auditRows(deps, teamId, "department.created")).toHaveLength(org.departments.length);
  const job = await jobRow(deps, jobId);
  expect(job).toMatchObject({ state: "succeeded", runnerId: null, leaseUntil: null });
  expect(job.counts.members.created).toBe(expected.members.length);
}

/**
 * Runs b's sync-resume period after period until it takes the job over: not before the lease
 * lapsed, and no later than one period after.
 */
async function expectTakeover(b: TestDeps, lastRenewal: number): Promise<void> {
  const { tookOverAt } = runResumeSchedule(b);
  for (let i = 0; i < 12 && tookOverAt.length === 0; i++) await b.ticker.pass(5_000);
  expect(tookOverAt).toHaveLength(1);
  expect(tookOverAt[0]! - lastRenewal).toBeGreaterThan(JOB_LEASE_MS);
  expect(tookOverAt[0]! - lastRenewal).toBeLessThanOrEqual(30_000);
}

describe("a dead instance's sync job", () => {
  takeoverTest(
    "killed between steps: another instance's sync-resume takes it over within 30 s of its last renewal and finishes it",
    async ({ two: { clock, a, b, teamId, org } }) => {
      const jobId = await startJob(a, "acme");
      // A claims the job, runs two steps and dies: no release, no more beats.
      expect(await crashAfterSteps(a, jobId, 2)).toMatchObject({ state: "running" });
      expect(a.ticker.active).toBe(0);
      const lastRenewal = (await jobRow(a, jobId)).leaseUntil!.getTime() - JOB_LEASE_MS;
      const runnerA = (await jobRow(a, jobId)).runnerId;

      await expectTakeover(b, lastRenewal);
      expect(clock.now().getTime() - lastRenewal).toBeLessThanOrEqual(30_000);

      const claimed = b.logger.lines.find((l) => l.msg === "sync job claimed");
      expect(claimed?.fields).toMatchObject({ jobId, resumed: true });
      expect(claimed?.fields?.runnerId).not.toBe(runnerA);
      await expectCleanImport(b, teamId, org, jobId);
    },
  );

  takeoverTest(
    "frozen inside a step: taken over once its beats stop; revived, it writes nothing and nothing is duplicated",
    async ({ two: { clock, a, b, teamId, org } }) => {
      const { jobId, runner, aDone } = await stalledInAStep(a);
      // A beats twice, then its process freezes (a kill -9 looks the same from outside).
      await a.ticker.pass(10_000);
      const lastRenewal = clock.now().getTime();
      expect((await jobRow(a, jobId)).leaseUntil!.getTime()).toBe(lastRenewal + JOB_LEASE_MS);

      await expectTakeover(b, lastRenewal);
      await expectCleanImport(b, teamId, org, jobId);
      const versions = await rowVersions(b, teamId);
      const jobBefore = await jobRow(b, jobId);

      // A comes back: its next beat finds the lease gone, and its step's writes fail (LeaseLost).
      await a.ticker.pass(5_000);
      runner.resume();
      expect(await aDone).toBeNull();
      expect(a.ticker.active).toBe(0);
      expect(a.logger.lines.map((l) => l.msg)).toEqual(
        expect.arrayContaining(["sync job: lease lost", "sync job taken over by another runner"]),
      );
      expect(await rowVersions(b, teamId)).toEqual(versions);
      expect(await jobRow(b, jobId)).toEqual(jobBefore);
      await expectCleanImport(b, teamId, org, jobId);
    },
  );

  takeoverTest(
    "a live runner keeps its job through one long step: its beats extend the lease, and no other instance takes over",
    async ({ two: { clock, a, b, teamId, org } }) => {
      const { jobId, runner, aDone } = await stalledInAStep(a);
      const runnerA = (await jobRow(a, jobId)).runnerId;
      const { tookOverAt } = runResumeSchedule(b);
      // Two minutes in one step; both instances' timers fire in time order.
      for (let i = 0; i < 24; i++) {
        await a.ticker.pass(5_000);
        await b.ticker.pass(0);
        const job = await jobRow(a, jobId);
        expect(job.runnerId).toBe(runnerA);
        expect(job.leaseUntil!.getTime()).toBe(clock.now().getTime() + JOB_LEASE_MS);
      }
      expect(tookOverAt).toEqual([]);
      expect(b.logger.lines.filter((l) => l.msg === "sync job claimed")).toEqual([]);
      runner.resume();
      expect(await aDone).toMatchObject({ state: "succeeded" });
      expect(a.ticker.active).toBe(0);
      await expectCleanImport(a, teamId, org, jobId);
      const [row] = await a.db.select().from(syncJobs).where(eq(syncJobs.id, jobId));
      expect(row?.runnerId).toBeNull();
    },
  );
});
