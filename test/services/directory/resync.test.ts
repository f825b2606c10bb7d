import { and, eq, sql } from "drizzle-orm";
import { describe, expect } from "vitest";
import { members, syncJobs, syncSeenMembers, syncSeenUnchanged } from "../../../src/db/schema";
import { runJob } from "../../../src/services/directory/run-job";
import { memberFields, memberHash } from "../../../src/services/directory/mirror-shape";
import { TEST_CORP_ID } from "../../helpers/deps";
import { control } from "../../helpers/emulator";
import { crashAfterSteps, emulatorOrg, syncNow } from "../../helpers/sync";
import { auditCount, auditRows, expectedMirror, memberByKey, mirror, rowVersions, startJob } from "../../helpers/sync-scenarios";
import { syncTest } from "../../helpers/sync-fixture";

// Set up in a hook (hookTimeout), not within the first test's own timeout: the file's database opens there.
syncTest.beforeEach(({ acme }) => void acme);

const changedKeys = (a: Record<string, string>, b: Record<string, string>) =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]).sort();

describe("re-sync", () => {
  syncTest(
    "with nothing changed in WeCom writes no row of departments or members, and no audit entry",
    async ({ deps, acme: { teamId } }) => {
      const before = await rowVersions(deps, teamId);
      const audits = await auditCount(deps, teamId);
      const mirrorBefore = await mirror(deps, teamId);
      expect(Object.keys(before.members).length).toBeGreaterThan(0);

      for (let i = 0; i < 2; i++) {
        deps.clock.advance(3600_000);
        const job = await syncNow(deps, "acme");
        expect(job.state).toBe("succeeded");
        expect(await rowVersions(deps, teamId)).toEqual(before);
        expect(await auditCount(deps, teamId)).toBe(audits);
        expect(await mirror(deps, teamId)).toEqual(mirrorBefore);
      }
    },
  );

  syncTest("after one member changed, writes exactly that member's row", async ({ deps, acme: { teamId } }) => {
    const org = await emulatorOrg(deps);
    const who = org.users.find((u) => u.status !== 5)!;
    const before = await rowVersions(deps, teamId);
    const audits = await auditCount(deps, teamId);
    const id = String((await memberByKey(deps, teamId, who.userid)).id);

    await control(deps, "PATCH", `/_emulator/users/${who.userid}`, { name: "新名字", position: "首席吉祥物" });
    const job = await syncNow(deps, "acme");
    expect(job.counts.members).toEqual({ created: 0, updated: 1, moved: 0, deprovisioned: 0 });
    expect(job.counts.departments).toEqual({ created: 0, updated: 0, moved: 0, deleted: 0 });

    const after = await rowVersions(deps, teamId);
    expect(changedKeys(before.members, after.members)).toEqual([id]);
    expect(after.departments).toEqual(before.departments);
    expect(await auditCount(deps, teamId)).toBe(audits + 1);
    const [entry] = await auditRows(deps, teamId, "member.updated");
    expect(entry).toMatchObject({
      subjectId: id,
      initiator: "admin",
      jobId: job.id,
      before: { name: who.name },
      after: { name: "新名字", position: "首席吉祥物" },
    });
    expect(await mirror(deps, teamId)).toEqual(expectedMirror(await emulatorOrg(deps)));

    // And the run after that writes nothing again.
    const settled = await rowVersions(deps, teamId);
    await syncNow(deps, "acme");
    expect(await rowVersions(deps, teamId)).toEqual(settled);
  });

  syncTest("after one department was renamed, writes exactly that department's row and no member", async ({ deps, acme: { teamId } }) => {
    const org = await emulatorOrg(deps);
    const dept = org.departments.find((d) => d.id !== 1)!;
    const before = await rowVersions(deps, teamId);

    await control(deps, "PATCH", `/_emulator/departments/${dept.id}`, { name: `${dept.name}（新）` });
    const job = await syncNow(deps, "acme");
    expect(job.counts.departments).toEqual({ created: 0, updated: 1, moved: 0, deleted: 0 });
    expect(job.counts.members).toEqual({ created: 0, updated: 0, moved: 0, deprovisioned: 0 });

    const after = await rowVersions(deps, teamId);
    expect(changedKeys(before.departments, after.departments)).toEqual([String(dept.id)]);
    expect(after.members).toEqual(before.members);
  });

  syncTest("a change to a field the mirror does not keep (mobile, email) writes nothing", async ({ deps, acme: { teamId } }) => {
    const org = await emulatorOrg(deps);
    const who = org.users.find((u) => u.status !== 5)!;
    const before = await rowVersions(deps, teamId);
    await control(deps, "PATCH", `/_emulator/users/${who.userid}`, { mobile: "13800000000", email: "x@example.com" });
    const job = await syncNow(deps, "acme");
    expect(job.counts.members).toEqual({ created: 0, updated: 0, moved: 0, deprovisioned: 0 });
    expect(await rowVersions(deps, teamId)).toEqual(before);
  });

  syncTest(
    "stages in full only the members that changed, are new or reappear; the unchanged ones only as keys, and still count as seen",
    async ({ deps, acme: { teamId } }) => {
      const org = await emulatorOrg(deps);
      const [changed, back, gone] = org.users.filter((u) => u.status !== 5);
      await control(deps, "PATCH", `/_emulator/users/${changed!.userid}`, { name: "改过的名字" });
      await control(deps, "POST", "/_emulator/users", { userid: "Fresh", name: "新来的", department: [org.departments[1]!.id] });
      await control(deps, "DELETE", `/_emulator/users/${gone!.userid}`);
      // Deprovisioned earlier but listed again: same fields, yet it must be staged to lose the mark.
      await deps.db
        .update(members)
        .set({ deprovisionedAt: deps.clock.now() })
        .where(and(eq(members.teamId, teamId), eq(members.wecomUserKey, back!.userid.toLowerCase())));
      const listed = (await emulatorOrg(deps)).users.filter((u) => u.status !== 5).length;

      // Drive the job one step at a time up to the plan, as a runner that stops between steps.
      const jobId = await startJob(deps, "acme");
      const phase = async () => (await deps.db.select({ phase: syncJobs.phase }).from(syncJobs).where(eq(syncJobs.id, jobId)))[0]!.phase;
      while ((await phase()) !== "plan") {
        await crashAfterSteps(deps, jobId, 1);
        deps.clock.advance(61_000);
      }
      const staged = await deps.db.select({ key: syncSeenMembers.userKey }).from(syncSeenMembers).where(eq(syncSeenMembers.jobId, jobId));
      expect(staged.map((r) => r.key).sort()).toEqual([changed!.userid, back!.userid, "Fresh"].map((k) => k.toLowerCase()).sort());
      const kept = await deps.db
        .select({ n: sql<number>`count(distinct k)` })
        .from(sql`${syncSeenUnchanged}, unnest(${syncSeenUnchanged.userKeys}) k`)
        .where(eq(syncSeenUnchanged.jobId, jobId));
      expect(Number(kept[0]!.n)).toBe(listed - 3);

      const job = await runJob(deps, jobId);
      expect(job).toMatchObject({ state: "succeeded", cursor: { listingSize: listed } });
      expect(job!.counts.members).toEqual({ created: 1, updated: 1, moved: 0, deprovisioned: 1 });
      expect(await memberByKey(deps, teamId, back!.userid)).toMatchObject({ deprovisionedAt: null });
      expect((await memberByKey(deps, teamId, gone!.userid)).deprovisionedAt).not.toBeNull();
      expect(await deps.db.select().from(syncSeenUnchanged).where(eq(syncSeenUnchanged.jobId, jobId))).toEqual([]);
    },
  );
});

describe("re-sync of a member listed in two departments", () => {
  // 30 departments: three members steps of ten, so department 1 and the last one are read apart.
  syncTest.override("setup", {
    sync: false,
    prepare: (d) =>
      control(d, "POST", "/_emulator/reset", { corpId: TEST_CORP_ID, org: { generate: { departments: 30, users: 60, seed: 3 } } }),
  });

  syncTest(
    "a member changed in WeCom between the pages of two of its departments is staged once, as the later page read it, with a hash of what is stored",
    async ({ deps, acme: { teamId } }) => {
      const ids = (await emulatorOrg(deps)).departments.map((d) => d.id).sort((a, b) => a - b);
      const both = [ids[0]!, ids[ids.length - 1]!];
      await control(deps, "POST", "/_emulator/users", { userid: "Twice", name: "第一页", department: both });
      const jobId = await startJob(deps, "acme");
      const row = async () => (await deps.db.select().from(syncJobs).where(eq(syncJobs.id, jobId)))[0]!;
      while ((await row()).phase !== "members" || ((await row()).cursor.deptIndex ?? 0) === 0) {
        await crashAfterSteps(deps, jobId, 1);
        deps.clock.advance(61_000);
      }
      expect((await row()).cursor.deptIndex).toBeLessThan(ids.length);
      await control(deps, "PATCH", "/_emulator/users/Twice", { name: "第二页" });
      expect((await runJob(deps, jobId))?.state).toBe("succeeded");

      // Every page lists the member whole, so the later page is the member as of a later read.
      const twice = await memberByKey(deps, teamId, "Twice");
      expect(twice).toMatchObject({ name: "第二页", departmentIds: both });
      expect(twice.contentHash).toBe(memberHash(memberFields(twice)));
      const [created] = await auditRows(deps, teamId, "member.created").then((rows) =>
        rows.filter((r) => r.subjectId === String(twice.id)),
      );
      expect(created?.observedAt).toBe(twice.observedAt);
      // The next run writes nothing.
      const settled = await rowVersions(deps, teamId);
      expect((await syncNow(deps, "acme")).counts.members).toEqual({ created: 0, updated: 0, moved: 0, deprovisioned: 0 });
      expect(await rowVersions(deps, teamId)).toEqual(settled);
    },
  );
});
