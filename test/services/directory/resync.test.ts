import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TestDeps } from "../../helpers/deps";
import { control } from "../../helpers/emulator";
import { emulatorOrg, syncNow } from "../../helpers/sync";
import { auditCount, auditRows, expectedMirror, freshAcme, memberByKey, mirror, rowVersions } from "../../helpers/sync-scenarios";
import { openTestDb } from "../../helpers/test-db";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
let teamId: number;

beforeAll(async () => {
  opened = await openTestDb();
});
afterAll(async () => opened.close());
beforeEach(async () => {
  ({ deps, teamId } = await freshAcme(opened.db));
});

const changedKeys = (a: Record<string, string>, b: Record<string, string>) =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]).sort();

describe("re-sync", () => {
  it("with nothing changed in WeCom writes no row of departments or members, and no audit entry", async () => {
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
  });

  it("after one member changed, writes exactly that member's row", async () => {
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
    expect(entry).toMatchObject({ subjectId: id, initiator: "admin", jobId: job.id, before: { name: who.name }, after: { name: "新名字", position: "首席吉祥物" } });
    expect(await mirror(deps, teamId)).toEqual(expectedMirror(await emulatorOrg(deps)));

    // And the run after that writes nothing again.
    const settled = await rowVersions(deps, teamId);
    await syncNow(deps, "acme");
    expect(await rowVersions(deps, teamId)).toEqual(settled);
  });

  it("after one department was renamed, writes exactly that department's row and no member", async () => {
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

  it("a change to a field the mirror does not keep (mobile, email) writes nothing", async () => {
    const org = await emulatorOrg(deps);
    const who = org.users.find((u) => u.status !== 5)!;
    const before = await rowVersions(deps, teamId);
    await control(deps, "PATCH", `/_emulator/users/${who.userid}`, { mobile: "13800000000", email: "x@example.com" });
    const job = await syncNow(deps, "acme");
    expect(job.counts.members).toEqual({ created: 0, updated: 0, moved: 0, deprovisioned: 0 });
    expect(await rowVersions(deps, teamId)).toEqual(before);
  });
});
