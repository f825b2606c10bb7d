import { describe, expect } from "vitest";
import type { TestDeps } from "../../helpers/deps";
import { control } from "../../helpers/emulator";
import { emulatorOrg, syncNow } from "../../helpers/sync";
import {
  api,
  auditRows,
  expectedMirror,
  memberByKey,
  memberRows,
  mirror,
  rowVersions,
  setRole,
  setStatus,
  subtree,
} from "../../helpers/sync-scenarios";
import { syncTest } from "../../helpers/sync-fixture";

// Some active members, so a mistake would have something to lock.
syncTest.beforeEach(async ({ deps, acme }) => setStatus(deps, acme.teamId, "active"));

const deprovisioned = async (deps: TestDeps, teamId: number) =>
  (await memberRows(deps, teamId)).filter((m) => m.deprovisionedAt !== null || m.status !== "active");

describe("a listing that cannot be trusted deprovisions nobody", () => {
  syncTest("empty: the app sees nothing any more; nothing is written and the job says why", async ({ deps, acme: { teamId } }) => {
    const versions = await rowVersions(deps, teamId);
    await control(deps, "PUT", "/_emulator/apps/1000002", { allowPartys: [], allowUsers: [] });
    const job = await syncNow(deps, "acme");
    expect(job).toMatchObject({ state: "succeeded", skippedDeprovisions: "empty_listing", counts: { members: { deprovisioned: 0 } } });
    expect(await deprovisioned(deps, teamId)).toEqual([]);
    // The department mirror is not emptied either.
    expect(await rowVersions(deps, teamId)).toEqual(versions);

    // Visibility back: nothing to do, and an empty run did not become the yardstick.
    await control(deps, "PUT", "/_emulator/apps/1000002", { allowPartys: [1] });
    const back = await syncNow(deps, "acme");
    expect(back).toMatchObject({ state: "succeeded", counts: { members: { created: 0, deprovisioned: 0 } } });
    expect(back.skippedDeprovisions).toBeUndefined();
    expect(await rowVersions(deps, teamId)).toEqual(versions);
  });

  syncTest("empty: the app sees only a department without members", async ({ deps, acme: { teamId } }) => {
    await control(deps, "POST", "/_emulator/departments", { id: 70, name: "空部门", parentid: 1 });
    await control(deps, "PUT", "/_emulator/apps/1000002", { allowPartys: [70] });
    const job = await syncNow(deps, "acme");
    expect(job).toMatchObject({ state: "succeeded", skippedDeprovisions: "empty_listing", counts: { members: { deprovisioned: 0 } } });
    expect(await deprovisioned(deps, teamId)).toEqual([]);
  });

  syncTest(
    "shrunk to half or less since the last good run: nobody deprovisioned; the next run needs an admin",
    async ({ deps, acme: { teamId } }) => {
      const org = await emulatorOrg(deps);
      const total = org.users.filter((u) => u.status !== 5).length;
      // The smallest center that still has members: its subtree holds at most half of everyone.
      const centers = org.departments
        .filter((d) => d.parentid === 1)
        .map((d) => ({ d, seen: org.users.filter((u) => u.department.some((x) => subtree(org, d.id).has(x))).length }));
      const small = centers.filter((c) => c.seen > 0).sort((a, b) => a.seen - b.seen)[0]!;
      expect(small.seen * 2).toBeLessThanOrEqual(total);
      await control(deps, "PUT", "/_emulator/apps/1000002", { allowPartys: [small.d.id] });

      const job = await syncNow(deps, "acme");
      expect(job).toMatchObject({ state: "succeeded", skippedDeprovisions: "listing_shrank", counts: { members: { deprovisioned: 0 } } });
      expect(await deprovisioned(deps, teamId)).toEqual([]);
      expect(await mirror(deps, teamId).then((m) => m.members.length)).toBe(total);

      // The same shrunk listing again: still nobody deprovisioned without an admin's decision.
      const second = await syncNow(deps, "acme");
      expect(second.state).not.toBe("failed");
      expect(second.counts.members.deprovisioned).toBe(0);
      expect(await deprovisioned(deps, teamId)).toEqual([]);
    },
  );

  syncTest("a listing that lost less than half is trusted (subject to the breaker)", async ({ deps, acme: { teamId } }) => {
    const org = await emulatorOrg(deps);
    const gone = org.users
      .filter((u) => u.status !== 5)
      .slice(0, 2)
      .map((u) => u.userid);
    for (const u of gone) await control(deps, "DELETE", `/_emulator/users/${u}`);
    const job = await syncNow(deps, "acme");
    expect(job).toMatchObject({ state: "succeeded", counts: { members: { deprovisioned: 2 } } });
    expect(job.skippedDeprovisions).toBeUndefined();
    expect((await deprovisioned(deps, teamId)).map((m) => m.wecomUserId).sort()).toEqual([...gone].sort());
  });
});

describe("owners and admins are never deprovisioned by sync", () => {
  syncTest(
    "deleted in WeCom: the last owner and an admin are staged as protected_role and stay; others follow the policy",
    async ({ deps, acme: { teamId } }) => {
      const users = (await emulatorOrg(deps)).users.filter((u) => u.status !== 5).map((u) => u.userid);
      const [owner, admin, plain] = users;
      await setRole(deps, teamId, owner!, "owner");
      await setRole(deps, teamId, admin!, "admin");
      await api(deps, "PUT", "/api/teams/acme/policy", { onMemberDeleted: "remove" });
      for (const u of [owner!, admin!, plain!]) await control(deps, "DELETE", `/_emulator/users/${u}`);

      const job = await syncNow(deps, "acme");
      expect(job).toMatchObject({ state: "succeeded", counts: { members: { deprovisioned: 1 } }, breaker: { deprovisions: 1 } });
      const staged = (await api(deps, "GET", `/api/teams/acme/jobs/${job.id}/staged`)).body as {
        items: { wecomUserId: string; reason: string; role: string }[];
      };
      expect(staged.items.map((s) => [s.wecomUserId, s.reason, s.role]).sort()).toEqual(
        [
          [owner, "protected_role", "owner"],
          [admin, "protected_role", "admin"],
          [plain, "missing_from_listing", null],
        ].sort(),
      );
      expect(await memberByKey(deps, teamId, owner!)).toMatchObject({ status: "active", role: "owner", deprovisionedAt: null });
      expect(await memberByKey(deps, teamId, admin!)).toMatchObject({ status: "active", role: "admin", deprovisionedAt: null });
      expect(await memberByKey(deps, teamId, plain!)).toMatchObject({ status: "removed" });
      expect((await auditRows(deps, teamId, "member.deprovisioned")).map((a) => a.subjectId)).toEqual([
        String((await memberByKey(deps, teamId, plain!)).id),
      ]);

      // Every later run holds them again; none deprovisions them.
      for (let i = 0; i < 2; i++) {
        const again = await syncNow(deps, "acme");
        expect(again.counts.members.deprovisioned).toBe(0);
      }
      expect(await memberByKey(deps, teamId, owner!)).toMatchObject({ status: "active", deprovisionedAt: null });
    },
  );

  syncTest("the mirror otherwise still equals WeCom", async ({ deps, acme: { teamId } }) => {
    const users = (await emulatorOrg(deps)).users.filter((u) => u.status !== 5).map((u) => u.userid);
    await setRole(deps, teamId, users[0]!, "owner");
    await control(deps, "PATCH", `/_emulator/users/${users[0]}`, { name: "老板改名" });
    await syncNow(deps, "acme");
    expect(await mirror(deps, teamId)).toEqual(expectedMirror(await emulatorOrg(deps), { status: "active" }));
  });
});
