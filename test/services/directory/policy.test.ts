import { describe, expect } from "vitest";
import type { TestDeps } from "../../helpers/deps";
import { control } from "../../helpers/emulator";
import { emulatorOrg, syncNow } from "../../helpers/sync";
import { api, auditRows, memberByKey, setStatus } from "../../helpers/sync-scenarios";
import { syncTest } from "../../helpers/sync-fixture";

const DAY = 24 * 3600_000;

/** Two members made active directly (no authorize verb in these tests): one to delete in WeCom, one to stay. */
const policyTest = syncTest.extend("people", async ({ deps, acme }) => {
  const users = (await emulatorOrg(deps)).users.filter((u) => u.status !== 5);
  const people = { gone: users[0]!.userid, bystander: users[1]!.userid };
  await setStatus(deps, acme.teamId, "active", [people.gone, people.bystander]);
  return people;
});

// Set up in a hook (hookTimeout), not within the first test's own timeout: the file's database opens there.
policyTest.beforeEach(({ people }) => void people);

async function setPolicy(deps: TestDeps, value: unknown) {
  return api(deps, "PUT", "/api/teams/acme/policy", { onMemberDeleted: value });
}

async function deleteAndSync(deps: TestDeps, gone: string) {
  await control(deps, "DELETE", `/_emulator/users/${gone}`);
  const job = await syncNow(deps, "acme");
  expect(job.state).toBe("succeeded");
  expect(job.counts.members.deprovisioned).toBe(1);
  return job;
}

describe("deletion policy", () => {
  policyTest(
    "defaults to lock; an invalid value is refused with 422 and changes nothing",
    async ({ deps, acme: { teamId }, people: { gone, bystander } }) => {
      expect(await api(deps, "GET", "/api/teams/acme/policy")).toEqual({ status: 200, body: { onMemberDeleted: "lock" } });
      for (const bad of ["delete", "", null, 3, "LOCK"]) {
        const res = await setPolicy(deps, bad);
        expect(res.status).toBe(422);
        expect(res.body).toMatchObject({ error: { code: "validation_failed" } });
      }
      expect((await api(deps, "PUT", "/api/teams/acme/policy", "remove")).status).toBe(422);
      expect(await api(deps, "GET", "/api/teams/acme/policy")).toEqual({ status: 200, body: { onMemberDeleted: "lock" } });
      expect(await auditRows(deps, teamId, "policy.changed")).toHaveLength(0);

      await deleteAndSync(deps, gone);
      expect(await memberByKey(deps, teamId, gone)).toMatchObject({ status: "locked", statusBefore: "active" });
      expect(await memberByKey(deps, teamId, bystander)).toMatchObject({ status: "active", deprovisionedAt: null });
    },
  );

  policyTest(
    "remove: the membership goes, restorable for 30 days to the earlier standing",
    async ({ deps, acme: { teamId }, people: { gone } }) => {
      expect(await setPolicy(deps, "remove")).toEqual({ status: 200, body: { onMemberDeleted: "remove" } });
      expect(await auditRows(deps, teamId, "policy.changed")).toEqual([
        expect.objectContaining({ before: { onMemberDeleted: "lock" }, after: { onMemberDeleted: "remove" } }),
      ]);
      await deleteAndSync(deps, gone);
      const removed = await memberByKey(deps, teamId, gone);
      expect(removed).toMatchObject({ status: "removed", statusBefore: "active" });
      expect(removed.deprovisionedAt?.getTime()).toBe(deps.clock.now().getTime());
      const listed = await api(deps, "GET", "/api/teams/acme/members?status=removed");
      expect((listed.body as { items: { wecomUserId: string }[] }).items.map((m) => m.wecomUserId)).toEqual([gone]);

      deps.clock.advance(29 * DAY);
      const restored = await api(deps, "POST", `/api/teams/acme/members/${removed.id}/restore`);
      expect(restored).toMatchObject({ status: 200, body: { id: removed.id, status: "active" } });
      expect(await memberByKey(deps, teamId, gone)).toMatchObject({ status: "active", statusBefore: null });
      expect(await auditRows(deps, teamId, "member.restored")).toEqual([
        expect.objectContaining({ subjectId: String(removed.id), before: { status: "removed" }, after: { status: "active" } }),
      ]);
      // Nothing left to restore.
      expect((await api(deps, "POST", `/api/teams/acme/members/${removed.id}/restore`)).status).toBe(409);
      // Still gone from WeCom, but not deprovisioned a second time by the next run.
      const next = await syncNow(deps, "acme");
      expect(next.counts.members.deprovisioned).toBe(0);
      expect(await memberByKey(deps, teamId, gone)).toMatchObject({ status: "active" });
    },
  );

  policyTest("remove: after 30 days the removal can no longer be restored", async ({ deps, acme: { teamId }, people: { gone } }) => {
    await setPolicy(deps, "remove");
    await deleteAndSync(deps, gone);
    const removed = await memberByKey(deps, teamId, gone);
    deps.clock.advance(30 * DAY + 1000);
    const res = await api(deps, "POST", `/api/teams/acme/members/${removed.id}/restore`);
    expect(res).toMatchObject({ status: 409, body: { error: { code: "conflict" } } });
    expect(await memberByKey(deps, teamId, gone)).toMatchObject({ status: "removed" });
  });

  policyTest("lock: stays listed and locked; unlock returns the earlier standing", async ({ deps, acme: { teamId }, people: { gone } }) => {
    await setPolicy(deps, "lock");
    await deleteAndSync(deps, gone);
    const locked = await memberByKey(deps, teamId, gone);
    expect(locked).toMatchObject({ status: "locked", statusBefore: "active" });
    expect((await api(deps, "POST", `/api/teams/acme/members/${locked.id}/restore`)).status).toBe(409);
    const unlocked = await api(deps, "POST", `/api/teams/acme/members/${locked.id}/unlock`);
    expect(unlocked).toMatchObject({ status: 200, body: { status: "active" } });
    expect(await memberByKey(deps, teamId, gone)).toMatchObject({ status: "active", statusBefore: null });
    expect((await api(deps, "POST", `/api/teams/acme/members/${locked.id}/unlock`)).status).toBe(409);
    expect(await auditRows(deps, teamId, "member.unlocked")).toHaveLength(1);
  });

  policyTest(
    "lock of a member who was only imported: unlock returns them to imported",
    async ({ deps, acme: { teamId }, people: { gone } }) => {
      await setPolicy(deps, "lock");
      await setStatus(deps, teamId, "imported", [gone]);
      await deleteAndSync(deps, gone);
      const locked = await memberByKey(deps, teamId, gone);
      expect(locked).toMatchObject({ status: "locked", statusBefore: "imported" });
      expect(await api(deps, "POST", `/api/teams/acme/members/${locked.id}/unlock`)).toMatchObject({
        status: 200,
        body: { status: "imported" },
      });
    },
  );

  policyTest("deauthorize: stays listed without access", async ({ deps, acme: { teamId }, people: { gone, bystander } }) => {
    await setPolicy(deps, "deauthorize");
    await deleteAndSync(deps, gone);
    expect(await memberByKey(deps, teamId, gone)).toMatchObject({ status: "deauthorized", statusBefore: "active" });
    expect(await auditRows(deps, teamId, "member.deprovisioned")).toEqual([
      expect.objectContaining({ before: { status: "active" }, after: { status: "deauthorized", policy: "deauthorize" } }),
    ]);
    expect(await memberByKey(deps, teamId, bystander)).toMatchObject({ status: "active" });
  });

  policyTest("the policy in force when the run deprovisions is the one applied", async ({ deps, acme: { teamId }, people: { gone } }) => {
    await setPolicy(deps, "deauthorize");
    await control(deps, "DELETE", `/_emulator/users/${gone}`);
    await setPolicy(deps, "remove");
    await syncNow(deps, "acme");
    expect(await memberByKey(deps, teamId, gone)).toMatchObject({ status: "removed" });
  });

  policyTest(
    "a member deleted and later re-added in WeCom loses the deprovision mark but keeps the lock until an admin unlocks",
    async ({ deps, acme: { teamId }, people: { gone } }) => {
      const before = (await emulatorOrg(deps)).users.find((u) => u.userid === gone)!;
      await deleteAndSync(deps, gone);
      await control(deps, "POST", "/_emulator/users", {
        userid: before.userid,
        name: before.name,
        department: before.department,
        position: before.position,
      });
      const job = await syncNow(deps, "acme");
      expect(job.counts.members.deprovisioned).toBe(0);
      const back = await memberByKey(deps, teamId, gone);
      expect(back).toMatchObject({ status: "locked", deprovisionedAt: null });
      expect(await api(deps, "POST", `/api/teams/acme/members/${back.id}/unlock`)).toMatchObject({
        status: 200,
        body: { status: "active" },
      });
    },
  );
});
