import { describe, expect } from "vitest";
import { breakerThreshold } from "../../../src/services/directory/breaker";
import { runJob } from "../../../src/services/directory/run-job";
import { TEST_CORP_ID, type TestDeps } from "../../helpers/deps";
import { control } from "../../helpers/emulator";
import { crashAfterSteps, emulatorOrg, jobOf, syncNow } from "../../helpers/sync";
import {
  api,
  auditRows,
  memberByKey,
  memberRows,
  mirror,
  pushedCallbacks,
  rowVersions,
  setRole,
  setStatus,
} from "../../helpers/sync-scenarios";
import { postCallback } from "../../helpers/callbacks";
import { syncTest } from "../../helpers/sync-fixture";

interface Staged {
  items: { memberId: number; wecomUserId: string; reason: string; role: string | null }[];
  nextCursor: number | null;
}

async function stagedOf(deps: TestDeps, jobId: number): Promise<Staged["items"]> {
  const out: Staged["items"] = [];
  for (let cursor: number | null = 0; cursor !== null;) {
    const res = await api(deps, "GET", `/api/teams/acme/jobs/${jobId}/staged?cursor=${cursor}`);
    expect(res.status).toBe(200);
    const page = res.body as Staged;
    out.push(...page.items);
    cursor = page.nextCursor;
  }
  return out;
}

const deprovisionedOf = async (deps: TestDeps, teamId: number) =>
  (await memberRows(deps, teamId))
    .filter((m) => m.deprovisionedAt !== null)
    .map((m) => m.wecomUserId)
    .sort();

/** "acme" imported; its members' userids; the staged list and the deprovisioned members, read for the test. */
const breakerTest = syncTest
  .extend("userIds", async ({ deps, acme }) => {
    void acme;
    return (await emulatorOrg(deps)).users.filter((u) => u.status !== 5).map((u) => u.userid);
  })
  .extend(
    "staged",
    ({ deps }) =>
      (jobId: number) =>
        stagedOf(deps, jobId),
  )
  .extend(
    "deprovisioned",
    ({ deps, acme }) =>
      () =>
        deprovisionedOf(deps, acme.teamId),
  );
// Set up in a hook (hookTimeout), not within the first test's own timeout: the file's database opens there.
breakerTest.beforeEach(({ userIds }) => void userIds);

describe("breaker: max(3, 20 % of active members), at most 500", () => {
  breakerTest(
    "trips above the threshold: nothing applied, the staged set is exactly the deleted members; confirm applies exactly it",
    async ({ deps, acme: { teamId }, userIds, staged, deprovisioned }) => {
      // 20 active → threshold 4; 5 deleted (some active, some only imported) trips it.
      await setStatus(deps, teamId, "active", userIds.slice(0, 20));
      const gone = [userIds[0]!, userIds[5]!, userIds[19]!, userIds[25]!, userIds[30]!];
      for (const u of gone) await control(deps, "DELETE", `/_emulator/users/${u}`);
      await control(deps, "PATCH", `/_emulator/users/${userIds[10]}`, { name: "改名待同步" });
      const before = await mirror(deps, teamId);
      const versions = await rowVersions(deps, teamId);

      const job = await syncNow(deps, "acme");
      expect(job).toMatchObject({ state: "needs_confirmation", breaker: { deprovisions: 5, threshold: 4, active: 20 } });
      expect((await staged(job.id)).map((s) => [s.wecomUserId, s.reason]).sort()).toEqual(
        gone.map((u) => [u, "missing_from_listing"]).sort(),
      );
      // Nothing applied while waiting, not even the rename.
      expect(await mirror(deps, teamId)).toEqual(before);
      expect(await rowVersions(deps, teamId)).toEqual(versions);
      // A sync started meanwhile answers the waiting job.
      const again = await api(deps, "POST", "/api/teams/acme/sync");
      expect(again).toMatchObject({ status: 202, body: { job: { id: job.id, state: "needs_confirmation" } } });
      deps.deferred.queue.length = 0;

      const confirmed = await api(deps, "POST", `/api/teams/acme/jobs/${job.id}/confirm`);
      expect(confirmed.status).toBe(200);
      await deps.deferred.flush();
      const done = await jobOf(deps, "acme", job.id);
      expect(done).toMatchObject({ state: "succeeded", counts: { members: { deprovisioned: 5, updated: 1 } } });
      expect(await deprovisioned()).toEqual([...gone].sort());
      for (const u of gone.slice(0, 3))
        expect(await memberByKey(deps, teamId, u)).toMatchObject({ status: "locked", statusBefore: "active" });
      for (const u of gone.slice(3))
        expect(await memberByKey(deps, teamId, u)).toMatchObject({ status: "locked", statusBefore: "imported" });
      expect((await memberByKey(deps, teamId, userIds[10]!)).name).toBe("改名待同步");
      expect(await auditRows(deps, teamId, "job.confirmed")).toHaveLength(1);

      // A second answer is refused, whichever it is.
      expect(await api(deps, "POST", `/api/teams/acme/jobs/${job.id}/confirm`)).toMatchObject({ status: 409 });
      expect(await api(deps, "POST", `/api/teams/acme/jobs/${job.id}/reject`)).toMatchObject({ status: 409 });
      expect(await deprovisioned()).toEqual([...gone].sort());
    },
  );

  breakerTest(
    "confirmed, then the runner dies mid-way: resuming deprovisions exactly the staged set, once",
    async ({ deps, acme: { teamId }, userIds, deprovisioned }) => {
      const gone = userIds.slice(0, 5);
      for (const u of gone) await control(deps, "DELETE", `/_emulator/users/${u}`);
      const job = await syncNow(deps, "acme");
      expect(job.state).toBe("needs_confirmation");
      await api(deps, "POST", `/api/teams/acme/jobs/${job.id}/confirm`);
      deps.deferred.queue.length = 0; // the runner the confirmation started never runs
      for (let k = 1; (await jobOf(deps, "acme", job.id)).state === "running"; k++) {
        expect(k).toBeLessThan(20);
        const crashed = await crashAfterSteps(deps, job.id, 1);
        expect(crashed).not.toBeNull();
        expect(await runJob(deps, job.id)).toBeNull();
        deps.clock.advance(61_000);
      }
      expect(await jobOf(deps, "acme", job.id)).toMatchObject({ state: "succeeded", counts: { members: { deprovisioned: 5 } } });
      expect(await deprovisioned()).toEqual([...gone].sort());
      expect(await auditRows(deps, teamId, "member.deprovisioned")).toHaveLength(5);
    },
  );

  breakerTest("two admins confirming at once: one effect", async ({ deps, acme: { teamId }, userIds }) => {
    for (const u of userIds.slice(0, 4)) await control(deps, "DELETE", `/_emulator/users/${u}`);
    const job = await syncNow(deps, "acme");
    expect(job.state).toBe("needs_confirmation");
    const answers = await Promise.all([
      api(deps, "POST", `/api/teams/acme/jobs/${job.id}/confirm`),
      api(deps, "POST", `/api/teams/acme/jobs/${job.id}/confirm`),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    await deps.deferred.flush();
    expect(await auditRows(deps, teamId, "job.confirmed")).toHaveLength(1);
    expect(await auditRows(deps, teamId, "member.deprovisioned")).toHaveLength(4);
  });

  breakerTest(
    "reject: nobody deprovisioned, the run's other changes applied; the next run asks again",
    async ({ deps, acme: { teamId }, userIds, deprovisioned }) => {
      const gone = userIds.slice(0, 6);
      for (const u of gone) await control(deps, "DELETE", `/_emulator/users/${u}`);
      await control(deps, "PATCH", `/_emulator/users/${userIds[10]}`, { name: "改名待同步" });
      await control(deps, "POST", "/_emulator/users", { userid: "Newcomer", name: "新人", department: [2] });
      const job = await syncNow(deps, "acme");
      expect(job).toMatchObject({ state: "needs_confirmation", breaker: { deprovisions: 6, threshold: 3, active: 0 } });

      expect((await api(deps, "POST", `/api/teams/acme/jobs/${job.id}/reject`)).status).toBe(200);
      await deps.deferred.flush();
      const done = await jobOf(deps, "acme", job.id);
      expect(done).toMatchObject({
        state: "succeeded",
        skippedDeprovisions: "rejected",
        counts: { members: { deprovisioned: 0, updated: 1, created: 1 } },
      });
      expect(await deprovisioned()).toEqual([]);
      expect((await memberByKey(deps, teamId, userIds[10]!)).name).toBe("改名待同步");
      expect(await memberByKey(deps, teamId, "Newcomer")).toMatchObject({ status: "imported" });
      expect(await auditRows(deps, teamId, "job.rejected")).toHaveLength(1);
      expect(await api(deps, "POST", `/api/teams/acme/jobs/${job.id}/confirm`)).toMatchObject({ status: 409 });

      const next = await syncNow(deps, "acme");
      expect(next).toMatchObject({ state: "needs_confirmation", breaker: { deprovisions: 6 } });
    },
  );

  breakerTest("cancelling a job that waits for a decision applies nothing", async ({ deps, acme: { teamId }, userIds }) => {
    for (const u of userIds.slice(0, 4)) await control(deps, "DELETE", `/_emulator/users/${u}`);
    const versions = await rowVersions(deps, teamId);
    const job = await syncNow(deps, "acme");
    expect(job.state).toBe("needs_confirmation");
    expect((await api(deps, "POST", `/api/teams/acme/jobs/${job.id}/cancel`)).status).toBe(200);
    await deps.deferred.flush();
    expect(await jobOf(deps, "acme", job.id)).toMatchObject({ state: "cancelled" });
    expect(await rowVersions(deps, teamId)).toEqual(versions);
    expect(await api(deps, "POST", `/api/teams/acme/jobs/${job.id}/confirm`)).toMatchObject({ status: 409 });
  });

  breakerTest(
    "at the threshold exactly it does not trip (no active members: 3; 20 active: 4)",
    async ({ deps, acme: { teamId }, userIds, deprovisioned }) => {
      for (const u of userIds.slice(0, 3)) await control(deps, "DELETE", `/_emulator/users/${u}`);
      const first = await syncNow(deps, "acme");
      expect(first).toMatchObject({
        state: "succeeded",
        breaker: { deprovisions: 3, threshold: 3 },
        counts: { members: { deprovisioned: 3 } },
      });

      await setStatus(deps, teamId, "active", userIds.slice(3, 23));
      for (const u of userIds.slice(3, 7)) await control(deps, "DELETE", `/_emulator/users/${u}`);
      const second = await syncNow(deps, "acme");
      expect(second).toMatchObject({
        state: "succeeded",
        breaker: { deprovisions: 4, threshold: 4, active: 20 },
        counts: { members: { deprovisioned: 4 } },
      });
      expect(await deprovisioned()).toEqual(userIds.slice(0, 7).sort());
    },
  );

  breakerTest(
    "a member deprovisioned by a callback while the run waited keeps the standing it had before; confirm does not deprovision twice",
    async ({ deps, acme: { teamId }, userIds, deprovisioned }) => {
      const gone = userIds.slice(0, 4);
      await setStatus(deps, teamId, "active", gone);
      await control(deps, "DELETE", "/_emulator/callbacks");
      for (const u of gone) await control(deps, "DELETE", `/_emulator/users/${u}`);
      const job = await syncNow(deps, "acme");
      expect(job).toMatchObject({ state: "needs_confirmation", breaker: { deprovisions: 4, threshold: 3 } });

      // WeCom's delete_user for the first of them arrives (late) while the admin thinks it over.
      const push = (await pushedCallbacks(deps)).find((p) => p.kind === "delete_user" && p.xml.includes(`[${gone[0]}]`))!;
      expect((await postCallback(deps, "acme", push.xml)).status).toBe(200);
      await deps.deferred.flush();
      expect(await memberByKey(deps, teamId, gone[0]!)).toMatchObject({ status: "locked", statusBefore: "active" });

      await api(deps, "POST", `/api/teams/acme/jobs/${job.id}/confirm`);
      await deps.deferred.flush();
      expect(await deprovisioned()).toEqual([...gone].sort());
      const first = await memberByKey(deps, teamId, gone[0]!);
      expect.soft(first).toMatchObject({ status: "locked", statusBefore: "active" });
      expect.soft((await auditRows(deps, teamId, "member.deprovisioned")).filter((a) => a.subjectId === String(first.id))).toHaveLength(1);
      // Unlocking returns the member to where they stood, not to "imported".
      expect(await api(deps, "POST", `/api/teams/acme/members/${first.id}/unlock`)).toMatchObject({
        status: 200,
        body: { status: "active" },
      });
    },
  );

  breakerTest(
    "a member made a team admin while the run waited is not deprovisioned by confirm",
    async ({ deps, acme: { teamId }, userIds, deprovisioned }) => {
      const gone = userIds.slice(0, 4);
      for (const u of gone) await control(deps, "DELETE", `/_emulator/users/${u}`);
      const job = await syncNow(deps, "acme");
      expect(job.state).toBe("needs_confirmation");
      await setRole(deps, teamId, gone[0]!, "admin");
      await api(deps, "POST", `/api/teams/acme/jobs/${job.id}/confirm`);
      await deps.deferred.flush();
      expect(await memberByKey(deps, teamId, gone[0]!)).toMatchObject({ role: "admin", status: "imported", deprovisionedAt: null });
      expect(await deprovisioned()).toEqual(gone.slice(1).sort());
    },
  );

  breakerTest(
    "owners and admins are held, not counted, and never deprovisioned by confirm",
    async ({ deps, acme: { teamId }, userIds, staged, deprovisioned }) => {
      const [owner, admin, ...rest] = userIds;
      await setRole(deps, teamId, owner!, "owner");
      await setRole(deps, teamId, admin!, "admin");
      await setStatus(deps, teamId, "active", [owner!, admin!]);
      const plain = rest.slice(0, 4);
      for (const u of [owner!, admin!, ...plain]) await control(deps, "DELETE", `/_emulator/users/${u}`);
      const job = await syncNow(deps, "acme");
      // 4 deprovisions against threshold 3: trips; the owner and admin are listed, held.
      expect(job).toMatchObject({ state: "needs_confirmation", breaker: { deprovisions: 4, threshold: 3 } });
      const items = await staged(job.id);
      expect(
        items
          .filter((s) => s.reason === "protected_role")
          .map((s) => s.wecomUserId)
          .sort(),
      ).toEqual([owner!, admin!].sort());
      expect(
        items
          .filter((s) => s.reason === "missing_from_listing")
          .map((s) => s.wecomUserId)
          .sort(),
      ).toEqual([...plain].sort());
      await api(deps, "POST", `/api/teams/acme/jobs/${job.id}/confirm`);
      await deps.deferred.flush();
      expect(await deprovisioned()).toEqual([...plain].sort());
      expect(await memberByKey(deps, teamId, owner!)).toMatchObject({ status: "active", role: "owner", deprovisionedAt: null });
      expect(await memberByKey(deps, teamId, admin!)).toMatchObject({ status: "active", role: "admin", deprovisionedAt: null });
    },
  );
});

describe("breaker: more than 500", () => {
  breakerTest.override("setup", {
    prepare: (deps) =>
      control(deps, "POST", "/_emulator/reset", { corpId: TEST_CORP_ID, org: { generate: { departments: 30, users: 3000, seed: 3 } } }),
  });

  breakerTest(
    "trips above 500 even when 20 % of active members is more; the staged list pages; confirm applies all",
    async ({ deps, acme: { teamId }, userIds, staged, deprovisioned }) => {
      expect(breakerThreshold(3000)).toBe(500);
      await setStatus(deps, teamId, "active");
      const gone = userIds.slice(0, 501);
      for (const u of gone) await control(deps, "DELETE", `/_emulator/users/${u}`);
      const versions = await rowVersions(deps, teamId);

      const job = await syncNow(deps, "acme");
      expect(job).toMatchObject({ state: "needs_confirmation", breaker: { deprovisions: 501, threshold: 500, active: userIds.length } });
      const items = await staged(job.id);
      expect(items).toHaveLength(501);
      expect(new Set(items.map((s) => s.wecomUserId))).toEqual(new Set(gone));
      expect(await rowVersions(deps, teamId)).toEqual(versions);

      await api(deps, "POST", `/api/teams/acme/jobs/${job.id}/confirm`);
      await deps.deferred.flush();
      expect(await jobOf(deps, "acme", job.id)).toMatchObject({ state: "succeeded", counts: { members: { deprovisioned: 501 } } });
      expect(await deprovisioned()).toEqual([...gone].sort());
    },
  );
});
