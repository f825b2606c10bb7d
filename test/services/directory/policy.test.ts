import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TestDeps } from "../../helpers/deps";
import { control } from "../../helpers/emulator";
import { emulatorOrg, syncNow } from "../../helpers/sync";
import { api, auditRows, freshAcme, memberByKey, setStatus } from "../../helpers/sync-scenarios";
import { openTestDb } from "../../helpers/test-db";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
let teamId: number;
let gone: string;
let bystander: string;

const DAY = 24 * 3600_000;

beforeAll(async () => {
  opened = await openTestDb();
});
afterAll(async () => opened.close());
beforeEach(async () => {
  ({ deps, teamId } = await freshAcme(opened.db));
  const users = (await emulatorOrg(deps)).users.filter((u) => u.status !== 5);
  gone = users[0]!.userid;
  bystander = users[1]!.userid;
  // Fixture: no authorize verb yet, so these two are made active members directly.
  await setStatus(deps, teamId, "active", [gone, bystander]);
});

async function setPolicy(value: unknown) {
  return api(deps, "PUT", "/api/teams/acme/policy", { onMemberDeleted: value });
}

async function deleteAndSync() {
  await control(deps, "DELETE", `/_emulator/users/${gone}`);
  const job = await syncNow(deps, "acme");
  expect(job.state).toBe("succeeded");
  expect(job.counts.members.deprovisioned).toBe(1);
  return job;
}

describe("deletion policy", () => {
  it("defaults to lock; an invalid value is refused with 422 and changes nothing", async () => {
    expect(await api(deps, "GET", "/api/teams/acme/policy")).toEqual({ status: 200, body: { onMemberDeleted: "lock" } });
    for (const bad of ["delete", "", null, 3, "LOCK"]) {
      const res = await setPolicy(bad);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ error: { code: "validation_failed" } });
    }
    expect((await api(deps, "PUT", "/api/teams/acme/policy", "remove")).status).toBe(422);
    expect(await api(deps, "GET", "/api/teams/acme/policy")).toEqual({ status: 200, body: { onMemberDeleted: "lock" } });
    expect(await auditRows(deps, teamId, "policy.changed")).toHaveLength(0);

    await deleteAndSync();
    expect(await memberByKey(deps, teamId, gone)).toMatchObject({ status: "locked", statusBefore: "active" });
    expect(await memberByKey(deps, teamId, bystander)).toMatchObject({ status: "active", deprovisionedAt: null });
  });

  it("remove: the membership goes, restorable for 30 days to the earlier standing", async () => {
    expect(await setPolicy("remove")).toEqual({ status: 200, body: { onMemberDeleted: "remove" } });
    expect(await auditRows(deps, teamId, "policy.changed")).toEqual([expect.objectContaining({ before: { onMemberDeleted: "lock" }, after: { onMemberDeleted: "remove" } })]);
    await deleteAndSync();
    const removed = await memberByKey(deps, teamId, gone);
    expect(removed).toMatchObject({ status: "removed", statusBefore: "active" });
    expect(removed.deprovisionedAt?.getTime()).toBe(deps.clock.now().getTime());
    const listed = await api(deps, "GET", "/api/teams/acme/members?status=removed");
    expect((listed.body as { items: { wecomUserId: string }[] }).items.map((m) => m.wecomUserId)).toEqual([gone]);

    deps.clock.advance(29 * DAY);
    const restored = await api(deps, "POST", `/api/teams/acme/members/${removed.id}/restore`);
    expect(restored).toMatchObject({ status: 200, body: { id: removed.id, status: "active" } });
    expect(await memberByKey(deps, teamId, gone)).toMatchObject({ status: "active", statusBefore: null });
    expect(await auditRows(deps, teamId, "member.restored")).toEqual([expect.objectContaining({ subjectId: String(removed.id), before: { status: "removed" }, after: { status: "active" } })]);
    // Nothing left to restore.
    expect((await api(deps, "POST", `/api/teams/acme/members/${removed.id}/restore`)).status).toBe(409);
    // Still gone from WeCom, but not deprovisioned a second time by the next run.
    const next = await syncNow(deps, "acme");
    expect(next.counts.members.deprovisioned).toBe(0);
    expect(await memberByKey(deps, teamId, gone)).toMatchObject({ status: "active" });
  });

  it("remove: after 30 days the removal can no longer be restored", async () => {
    await setPolicy("remove");
    await deleteAndSync();
    const removed = await memberByKey(deps, teamId, gone);
    deps.clock.advance(30 * DAY + 1000);
    const res = await api(deps, "POST", `/api/teams/acme/members/${removed.id}/restore`);
    expect(res).toMatchObject({ status: 409, body: { error: { code: "conflict" } } });
    expect(await memberByKey(deps, teamId, gone)).toMatchObject({ status: "removed" });
  });

  it("lock: stays listed and locked; unlock returns the earlier standing", async () => {
    await setPolicy("lock");
    await deleteAndSync();
    const locked = await memberByKey(deps, teamId, gone);
    expect(locked).toMatchObject({ status: "locked", statusBefore: "active" });
    expect((await api(deps, "POST", `/api/teams/acme/members/${locked.id}/restore`)).status).toBe(409);
    const unlocked = await api(deps, "POST", `/api/teams/acme/members/${locked.id}/unlock`);
    expect(unlocked).toMatchObject({ status: 200, body: { status: "active" } });
    expect(await memberByKey(deps, teamId, gone)).toMatchObject({ status: "active", statusBefore: null });
    expect((await api(deps, "POST", `/api/teams/acme/members/${locked.id}/unlock`)).status).toBe(409);
    expect(await auditRows(deps, teamId, "member.unlocked")).toHaveLength(1);
  });

  it("lock of a member who was only imported: unlock returns them to imported", async () => {
    await setPolicy("lock");
    await setStatus(deps, teamId, "imported", [gone]);
    await deleteAndSync();
    const locked = await memberByKey(deps, teamId, gone);
    expect(locked).toMatchObject({ status: "locked", statusBefore: "imported" });
    expect(await api(deps, "POST", `/api/teams/acme/members/${locked.id}/unlock`)).toMatchObject({ status: 200, body: { status: "imported" } });
  });

  it("deauthorize: stays listed without access", async () => {
    await setPolicy("deauthorize");
    await deleteAndSync();
    expect(await memberByKey(deps, teamId, gone)).toMatchObject({ status: "deauthorized", statusBefore: "active" });
    expect(await auditRows(deps, teamId, "member.deprovisioned")).toEqual([
      expect.objectContaining({ before: { status: "active" }, after: { status: "deauthorized", policy: "deauthorize" } }),
    ]);
    expect(await memberByKey(deps, teamId, bystander)).toMatchObject({ status: "active" });
  });

  it("the policy in force when the run deprovisions is the one applied", async () => {
    await setPolicy("deauthorize");
    await control(deps, "DELETE", `/_emulator/users/${gone}`);
    await setPolicy("remove");
    await syncNow(deps, "acme");
    expect(await memberByKey(deps, teamId, gone)).toMatchObject({ status: "removed" });
  });

  it("a member deleted and later re-added in WeCom loses the deprovision mark but keeps the lock until an admin unlocks", async () => {
    const before = (await emulatorOrg(deps)).users.find((u) => u.userid === gone)!;
    await deleteAndSync();
    await control(deps, "POST", "/_emulator/users", { userid: before.userid, name: before.name, department: before.department, position: before.position });
    const job = await syncNow(deps, "acme");
    expect(job.counts.members.deprovisioned).toBe(0);
    const back = await memberByKey(deps, teamId, gone);
    expect(back).toMatchObject({ status: "locked", deprovisionedAt: null });
    expect(await api(deps, "POST", `/api/teams/acme/members/${back.id}/unlock`)).toMatchObject({ status: 200, body: { status: "active" } });
  });
});
