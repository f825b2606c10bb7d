import { eq } from "drizzle-orm";
import { describe, expect } from "vitest";
import { syncJobs, syncSeenMembers, syncSeenUnchanged } from "../../../src/db/schema";
import type { JobPhase } from "../../../src/db/schema";
import { JOB_LEASE_MS, runJob } from "../../../src/services/directory/run-job";
import { boundTeam } from "../../helpers/api";
import { testDeps, TEST_CORP_ID, type TestDeps } from "../../helpers/deps";
import { control } from "../../helpers/emulator";
import { crashAfterSteps, emulatorOrg, jobOf, syncNow } from "../../helpers/sync";
import {
  api,
  auditRows,
  expectedMirror,
  memberByKey,
  memberRows,
  mirror,
  normalized,
  resetDatabase,
  rowVersions,
  setStatus,
  startJob,
  teamIdOf,
  withClient,
  type Mirror,
} from "../../helpers/sync-scenarios";
import { syncTest } from "../../helpers/sync-fixture";

// "acme" is bound, not imported, unless a describe says otherwise; the loops bind their own teams.
syncTest.override("setup", { sync: false });
// The database emptied before every test; set up in a hook (hookTimeout), where the file's database opens.
syncTest.beforeEach(({ deps }) => void deps);

async function phaseOf(deps: TestDeps, jobId: number): Promise<JobPhase> {
  const [row] = await deps.db.select({ phase: syncJobs.phase }).from(syncJobs).where(eq(syncJobs.id, jobId));
  return row!.phase;
}

/**
 * Runs a job that "crashes" after k steps, proves the lease blocks a second runner, then resumes
 * it. Returns the phase it crashed in, or null when the job needed fewer than k steps.
 */
async function crashAndResume(deps: TestDeps, slug: string, k: number): Promise<JobPhase | null> {
  const jobId = await startJob(deps, slug);
  const crashed = await crashAfterSteps(deps, jobId, k);
  if (crashed?.state === "succeeded") return null;
  expect(crashed?.state).toBe("running");
  const phase = await phaseOf(deps, jobId);
  // The dead runner still holds the lease: nobody else may drive the job yet.
  deps.clock.advance(JOB_LEASE_MS - 1_000);
  expect(await runJob(deps, jobId)).toBeNull();
  deps.clock.advance(2_000);
  const resumed = await runJob(deps, jobId);
  expect(resumed?.state).toBe("succeeded");
  await deps.deferred.flush();
  return phase;
}

describe("a runner killed between steps", () => {
  syncTest("on import, at every step: resuming converges to a clean import, no duplicate member or audit entry", async ({ db }) => {
    const phases = new Set<JobPhase>();
    // Enough departments that listing members takes several steps; k runs until no crash point is left.
    for (let k = 0, done = false; !done; k++) {
      expect(k).toBeLessThan(40);
      const deps = testDeps(db);
      await control(deps, "POST", "/_emulator/reset", { corpId: TEST_CORP_ID, org: { generate: { departments: 24, users: 80, seed: 5 } } });
      const slug = `t${k}`;
      await boundTeam(deps, slug);
      const teamId = await teamIdOf(deps, slug);
      const org = await emulatorOrg(deps);
      const expected = expectedMirror(org);
      const phase = await crashAndResume(deps, slug, k);
      if (phase === null) done = true;
      else phases.add(phase);

      expect(await mirror(deps, teamId)).toEqual(expected);
      const rows = await memberRows(deps, teamId);
      expect(rows).toHaveLength(expected.members.length);
      const created = await auditRows(deps, teamId, "member.created");
      expect(created).toHaveLength(expected.members.length);
      expect(new Set(created.map((r) => r.subjectId))).toEqual(new Set(rows.map((r) => String(r.id))));
      expect(await auditRows(deps, teamId, "department.created")).toHaveLength(org.departments.length);
    }
    expect([...phases]).toEqual(expect.arrayContaining(["queued", "members", "plan", "apply", "deprovision", "done"]));
  });

  syncTest("on a re-sync with changes and deletions, at every step: converges to what an uninterrupted run makes", async ({ db }) => {
    const phases = new Set<JobPhase>();
    let reference: Mirror | undefined;
    for (let k = 0, done = false; !done; k++) {
      expect(k).toBeLessThan(40);
      await resetDatabase(db);
      const deps = testDeps(db);
      await boundTeam(deps, "acme");
      const teamId = await teamIdOf(deps, "acme");
      expect((await syncNow(deps, "acme")).state).toBe("succeeded");
      const users = (await emulatorOrg(deps)).users.filter((u) => u.status !== 5);
      await control(deps, "PATCH", `/_emulator/users/${users[0]!.userid}`, { name: "改了名" });
      await control(deps, "PATCH", `/_emulator/users/${users[1]!.userid}`, { department: [1] });
      await control(deps, "DELETE", `/_emulator/users/${users[2]!.userid}`);
      await control(deps, "DELETE", `/_emulator/users/${users[3]!.userid}`);
      await control(deps, "POST", "/_emulator/users", { userid: "Late", name: "后来者", department: [2] });
      await control(deps, "PATCH", "/_emulator/departments/2", { name: "研发中心（新）" });

      if (k === 0) {
        // The uninterrupted run, as the reference.
        const job = await syncNow(deps, "acme");
        expect(job.counts.members).toEqual({ created: 1, updated: 1, moved: 1, deprovisioned: 2 });
        reference = await mirror(deps, teamId);
        continue;
      }
      const phase = await crashAndResume(deps, "acme", k);
      if (phase === null) done = true;
      else phases.add(phase);
      expect(await mirror(deps, teamId)).toEqual(reference);
      expect(await auditRows(deps, teamId, "member.deprovisioned")).toHaveLength(2);
      expect(await auditRows(deps, teamId, "member.updated")).toHaveLength(1);
      // Every member row ever created (the import's and Late), each exactly once.
      expect(await auditRows(deps, teamId, "member.created")).toHaveLength(reference!.members.length);
    }
    expect([...phases]).toEqual(expect.arrayContaining(["members", "plan", "apply", "deprovision", "done"]));
  });

  syncTest("a token that expired while the runner was dead is refreshed on resume", async ({ deps, acme: { teamId } }) => {
    const org = await emulatorOrg(deps);
    const jobId = await startJob(deps, "acme");
    await crashAfterSteps(deps, jobId, 2);
    await control(deps, "POST", "/_emulator/tokens/expire");
    deps.clock.advance(61_000);
    expect((await runJob(deps, jobId))?.state).toBe("succeeded");
    expect(await mirror(deps, teamId)).toEqual(expectedMirror(org));
  });

  syncTest("a runner that stops at its deadline releases the job: another picks it up at once", async ({ deps, acme: { teamId } }) => {
    const jobId = await startJob(deps, "acme");
    const stopped = await runJob(deps, jobId, { deadline: deps.clock.now().getTime() - 1 });
    expect(stopped?.state).toBe("running");
    expect((await runJob(deps, jobId))?.state).toBe("succeeded");
    expect(await mirror(deps, teamId)).toEqual(expectedMirror(await emulatorOrg(deps)));
  });

  syncTest("two runners racing for one job: one drives it, the other gets nothing; no duplicates", async ({ deps, acme: { teamId } }) => {
    const jobId = await startJob(deps, "acme");
    const results = await Promise.all([runJob(deps, jobId), runJob(deps, jobId)]);
    expect(results.filter((r) => r === null)).toHaveLength(1);
    expect(results.find((r) => r !== null)?.state).toBe("succeeded");
    const expected = expectedMirror(await emulatorOrg(deps));
    expect(await memberRows(deps, teamId)).toHaveLength(expected.members.length);
    expect(await mirror(deps, teamId)).toEqual(expected);
  });

  syncTest("one open job per team: starting a sync while one runs answers that job", async ({ deps }) => {
    await boundTeam(deps, "acme");
    const first = await startJob(deps, "acme");
    await crashAfterSteps(deps, first, 1);
    const again = await api(deps, "POST", "/api/teams/acme/sync");
    expect(again).toMatchObject({ status: 202, body: { job: { id: first, state: "running" } } });
  });
});

describe("a runner that stalls past its lease", () => {
  // "acme" imported.
  syncTest.override("setup", {});

  syncTest(
    "cannot commit over the runner that took over: no second deprovision, no lost standing, no duplicate audit",
    async ({ deps, acme: { teamId } }) => {
      const gone = (await emulatorOrg(deps)).users
        .filter((u) => u.status !== 5)
        .slice(0, 2)
        .map((u) => u.userid);
      await setStatus(deps, teamId, "active", gone);
      for (const u of gone) await control(deps, "DELETE", `/_emulator/users/${u}`);
      const jobId = await startJob(deps, "acme");

      // Runner A meets a 45009 on a member page and backs off past its lease. Meanwhile the
      // minutely sync-resume takes the job over (runner B) and gets as far as deprovisioning
      // before it, too, stalls.
      let tookOver = false;
      const stalled = withClient(deps, {
        onSleep: async () => {
          if (tookOver) return;
          tookOver = true;
          for (let i = 0; i < 30 && (await phaseOf(deps, jobId)) !== "done"; i++) {
            deps.clock.advance(61_000);
            expect(await crashAfterSteps(deps, jobId, 1)).not.toBeNull();
          }
          expect(await phaseOf(deps, jobId)).toBe("done");
        },
      });
      await control(deps, "POST", "/_emulator/faults", { api: "user/list", errcode: 45009, afterCalls: 1, times: 1 });
      await runJob(stalled, jobId);
      expect(tookOver).toBe(true);
      deps.clock.advance(61_000);
      await runJob(deps, jobId);

      const job = await jobOf(deps, "acme", jobId);
      expect(job.state).toBe("succeeded");
      expect.soft(await auditRows(deps, teamId, "member.deprovisioned")).toHaveLength(2);
      for (const u of gone) expect.soft(await memberByKey(deps, teamId, u)).toMatchObject({ status: "locked", statusBefore: "active" });
      expect.soft(job.counts.members.deprovisioned).toBe(2);
      expect.soft(await deps.db.select().from(syncSeenMembers).where(eq(syncSeenMembers.jobId, jobId))).toEqual([]);
      expect.soft(await deps.db.select().from(syncSeenUnchanged).where(eq(syncSeenUnchanged.jobId, jobId))).toEqual([]);
    },
  );
});

describe("cancel", () => {
  syncTest(
    "a queued job cancelled before it ran: nothing written; a new sync then imports everything",
    async ({ deps, acme: { teamId } }) => {
      const started = await api(deps, "POST", "/api/teams/acme/sync");
      const jobId = (started.body as { job: { id: number } }).job.id;
      expect((await api(deps, "POST", `/api/teams/acme/jobs/${jobId}/cancel`)).status).toBe(200);
      await deps.deferred.flush();
      expect(await jobOf(deps, "acme", jobId)).toMatchObject({ state: "cancelled" });
      expect(await mirror(deps, teamId)).toEqual({ departments: [], members: [] });

      const next = await syncNow(deps, "acme");
      expect(next.id).not.toBe(jobId);
      expect(next.state).toBe("succeeded");
      expect(await mirror(deps, teamId)).toEqual(expectedMirror(await emulatorOrg(deps)));
    },
  );

  syncTest(
    "a running job stops at the next step; what it committed stays; a finished job cannot be cancelled",
    async ({ deps, acme: { teamId } }) => {
      const jobId = await startJob(deps, "acme");
      // Run up to the point where departments are applied but members are not.
      let steps = 0;
      while ((await mirror(deps, teamId)).departments.length === 0) {
        steps++;
        expect(steps).toBeLessThan(20);
        await deps.db.update(syncJobs).set({ leaseUntil: null }).where(eq(syncJobs.id, jobId));
        await crashAfterSteps(deps, jobId, 1);
      }
      const halfway = normalized(await mirror(deps, teamId));
      expect(halfway.members).toEqual([]);
      const versions = await rowVersions(deps, teamId);

      const cancelled = await api(deps, "POST", `/api/teams/acme/jobs/${jobId}/cancel`);
      expect(cancelled.status).toBe(200);
      // The runner holding the lease notices at its next step, after the lease lapses here.
      await deps.deferred.flush();
      deps.clock.advance(61_000);
      expect((await runJob(deps, jobId))?.state).toBe("cancelled");
      expect(await jobOf(deps, "acme", jobId)).toMatchObject({ state: "cancelled" });
      expect(await rowVersions(deps, teamId)).toEqual(versions);

      expect((await api(deps, "POST", `/api/teams/acme/jobs/${jobId}/cancel`)).status).toBe(409);
      expect((await syncNow(deps, "acme")).state).toBe("succeeded");
      expect(await mirror(deps, teamId)).toEqual(expectedMirror(await emulatorOrg(deps)));
    },
  );
});
