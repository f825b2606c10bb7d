import { eq } from "drizzle-orm";
import { describe, expect } from "vitest";
import { syncJobs } from "../../../src/db/schema";
import { jobContext } from "../../../src/services/directory/job-context";
import { runJob } from "../../../src/services/directory/run-job";
import { applyStep } from "../../../src/services/directory/step-apply";
import { boundTeam } from "../../helpers/api";
import { TEST_CORP_ID, type TestDeps } from "../../helpers/deps";
import { control } from "../../helpers/emulator";
import { crashAfterSteps, emulatorOrg, jobOf } from "../../helpers/sync";
import { auditRows, expectedMirror, jobRow, memberRows, mirror, startJob, teamIdOf } from "../../helpers/sync-scenarios";
import { syncTest } from "../../helpers/sync-fixture";

// The apply step writes two pages of 5,000 seen members at once, each in its own transaction
// that also adds its counts to the job (step-apply.ts): 12,000 members make two such pages and a
// third one on its own. The first two run side by side on both drivers (PGlite queues them).
const USERS = 12_000;
/** An import of 12,000 members: seconds on its own, more beside the rest of the suite. */
const BIG = 120_000;

// Two connections side by side on PostgreSQL, each page in its own.
syncTest.override("dbOptions", { scope: "file" }, { poolSize: 4 });
// Set up in a hook (hookTimeout), not within the first test's own timeout: the file's database opens there.
syncTest.beforeEach(({ deps }) => void deps);

/** The test's emulator reset to an org of `users` members, and team "big" bound to it. */
async function bigOrg(deps: TestDeps, users = USERS): Promise<number> {
  await control(deps, "POST", "/_emulator/reset", { corpId: TEST_CORP_ID, org: { generate: { departments: 12, users, seed: 11 } } });
  await boundTeam(deps, "big");
  return teamIdOf(deps, "big");
}

/** Step by step (each runner abandons its lease after one step) up to the members pages of apply. */
async function runUpToMemberPages(deps: TestDeps, jobId: number): Promise<void> {
  for (let i = 0; ; i++) {
    expect(i).toBeLessThan(40);
    const row = await jobRow(deps, jobId);
    if (row.phase === "apply" && row.cursor.departmentsApplied) return;
    await crashAfterSteps(deps, jobId, 1);
    deps.clock.advance(61_000);
  }
}

describe("apply pages", () => {
  syncTest(
    "two pages written side by side, then the runner killed before the step moved the cursor: the resumed run counts each member once",
    async ({ deps }) => {
      const teamId = await bigOrg(deps);
      const expected = expectedMirror(await emulatorOrg(deps));
      const jobId = await startJob(deps, "big");
      await runUpToMemberPages(deps, jobId);
      const before = await jobRow(deps, jobId);

      // The step's pages commit; its own commit (the cursor) never happens, as when the process dies.
      await applyStep(await jobContext(deps, before));
      const crashed = await jobRow(deps, jobId);
      expect(crashed.cursor.afterKey).toBe(before.cursor.afterKey);
      expect(crashed.counts.members.created).toBe(10_000);
      expect(await memberRows(deps, teamId)).toHaveLength(10_000);

      const resumed = await runJob(deps, jobId);
      expect(resumed?.state).toBe("succeeded");
      await deps.deferred.flush();
      expect(await mirror(deps, teamId)).toEqual(expected);
      expect(resumed?.counts.members).toEqual({ created: expected.members.length, updated: 0, moved: 0, deprovisioned: 0 });
      expect(await auditRows(deps, teamId, "member.created")).toHaveLength(expected.members.length);
      expect((await jobOf(deps, "big", jobId)).progress.done).toBe(resumed?.total);
    },
    BIG,
  );

  syncTest("a page whose runner lost the job writes nothing: LeaseLost, no member, no count", async ({ deps }) => {
    const teamId = await bigOrg(deps, 300);
    const jobId = await startJob(deps, "big");
    await runUpToMemberPages(deps, jobId);
    const stale = await jobRow(deps, jobId);
    // Another runner takes the job over (a new runner id) before the stale one writes its pages.
    await deps.db.update(syncJobs).set({ runnerId: "someone-else" }).where(eq(syncJobs.id, jobId));

    await expect(applyStep(await jobContext(deps, stale))).rejects.toMatchObject({ name: "LeaseLost" });
    expect(await memberRows(deps, teamId)).toHaveLength(0);
    expect((await jobRow(deps, jobId)).counts.members.created).toBe(0);
    expect(await auditRows(deps, teamId, "member.created")).toHaveLength(0);
  });
});
