import { describe, expect } from "vitest";
import { control } from "../../helpers/emulator";
import { emulatorOrg, type OrgSnapshot, syncNow } from "../../helpers/sync";
import { api, auditRows, expectedMirror, memberByKey, type Mirror, mirror, normalized, rowVersions } from "../../helpers/sync-scenarios";
import { syncTest } from "../../helpers/sync-fixture";

// An empty department to delete later (WeCom refuses to delete one with members).
syncTest.override("setup", { prepare: (d) => control(d, "POST", "/_emulator/departments", { id: 50, name: "临时项目组", parentid: 1 }) });
// Set up in a hook (hookTimeout), not within the first test's own timeout: the file's database opens there.
syncTest.beforeEach(({ acme }) => void acme);

/** Members present in the mirror but gone from WeCom stay listed, with the policy's status. */
function withDeprovisioned(expected: Mirror, before: Mirror, gone: string[], status: string): Mirror {
  const kept = before.members
    .filter((m) => gone.includes(m.userId!))
    .map((m) => ({ ...m, status: status as Mirror["members"][number]["status"] }));
  return normalized({ departments: expected.departments, members: [...expected.members, ...kept] });
}

const users = (org: OrgSnapshot) => org.users.filter((u) => u.status !== 5);

describe("changes made in WeCom, applied by sync alone (no callbacks)", () => {
  syncTest(
    "renames, moves, creates and deletes departments and users; counts and audit say exactly what changed",
    async ({ deps, acme: { teamId } }) => {
      const org = await emulatorOrg(deps);
      const before = await mirror(deps, teamId);
      const [renamedUser, movedUser, widenedUser, goneA, goneB] = users(org).filter((u) => u.department.length === 1);
      const leaf = org.departments.find((d) => d.id !== 1 && d.id !== 50 && !org.departments.some((c) => c.parentid === d.id))!;
      const mover = org.departments.find((d) => d.parentid !== 1 && d.parentid !== 0 && d.id !== leaf.id)!;
      const newParent = org.departments.find((d) => d.parentid === 1 && d.id !== mover.parentid && d.id !== 50 && d.id !== mover.id)!;
      const otherDept = org.departments.find((d) => d.id !== 1 && d.id !== 50 && d.id !== widenedUser!.department[0])!;

      await control(deps, "PATCH", `/_emulator/departments/${leaf.id}`, { name: `${leaf.name}改` });
      await control(deps, "PATCH", `/_emulator/departments/${mover.id}`, { parentid: newParent.id });
      await control(deps, "POST", "/_emulator/departments", { id: 60, name: "新成立部", parentid: newParent.id });
      await control(deps, "DELETE", "/_emulator/departments/50");
      await control(deps, "PATCH", `/_emulator/users/${renamedUser!.userid}`, { name: "改名者", position: "新岗位" });
      await control(deps, "PATCH", `/_emulator/users/${movedUser!.userid}`, { department: [60] });
      await control(deps, "PATCH", `/_emulator/users/${widenedUser!.userid}`, { department: [widenedUser!.department[0]!, otherDept.id] });
      await control(deps, "POST", "/_emulator/users", { userid: "NewHire", name: "新同事", department: [60], position: "实习生" });
      await control(deps, "DELETE", `/_emulator/users/${goneA!.userid}`);
      await control(deps, "DELETE", `/_emulator/users/${goneB!.userid}`);

      const job = await syncNow(deps, "acme");
      expect(job).toMatchObject({ state: "succeeded", partial: false });
      expect(job.counts).toEqual({
        departments: { created: 1, updated: 1, moved: 1, deleted: 1 },
        members: { created: 1, updated: 1, moved: 2, deprovisioned: 2 },
      });
      const after = await emulatorOrg(deps);
      expect(await mirror(deps, teamId)).toEqual(
        withDeprovisioned(expectedMirror(after), before, [goneA!.userid, goneB!.userid], "locked"),
      );

      // Audit: one entry per change, with before and after, tied to the job.
      const entries = (await auditRows(deps, teamId)).filter((e) => e.jobId === job.id);
      const byAction = (a: string) => entries.filter((e) => e.action === a);
      expect(byAction("department.updated")).toMatchObject([
        { subjectId: String(leaf.id), before: { name: leaf.name }, after: { name: `${leaf.name}改` } },
      ]);
      expect(byAction("department.moved")).toMatchObject([
        { subjectId: String(mover.id), before: { parentId: mover.parentid }, after: { parentId: newParent.id } },
      ]);
      expect(byAction("department.created")).toMatchObject([
        { subjectId: "60", before: null, after: { name: "新成立部", parentId: newParent.id } },
      ]);
      expect(byAction("department.deleted")).toMatchObject([{ subjectId: "50", before: { name: "临时项目组" }, after: null }]);
      const id = async (u: { userid: string }) => String((await memberByKey(deps, teamId, u.userid)).id);
      expect(byAction("member.updated")).toMatchObject([
        { subjectId: await id(renamedUser!), before: { name: renamedUser!.name }, after: { name: "改名者", position: "新岗位" } },
      ]);
      const movedId = await id(movedUser!);
      expect(
        byAction("member.moved")
          .map((e) => e.subjectId)
          .sort(),
      ).toEqual([movedId, await id(widenedUser!)].sort());
      expect(byAction("member.moved").find((e) => e.subjectId === movedId)).toMatchObject({
        before: { departmentIds: movedUser!.department },
        after: { departmentIds: [60], mainDepartmentId: 60 },
      });
      expect(byAction("member.created")).toMatchObject([
        { subjectId: await id({ userid: "NewHire" }), before: null, after: { wecomUserId: "NewHire", departmentIds: [60] } },
      ]);
      expect(
        byAction("member.deprovisioned")
          .map((e) => e.subjectId)
          .sort(),
      ).toEqual([await id(goneA!), await id(goneB!)].sort());
      for (const e of byAction("member.deprovisioned"))
        expect(e).toMatchObject({ before: { status: "imported" }, after: { status: "locked", policy: "lock" } });
      expect(entries).toHaveLength(10);

      // The audit API shows the same, newest first.
      const viaApi = await api(deps, "GET", "/api/teams/acme/audit?action=member.deprovisioned");
      expect((viaApi.body as { items: unknown[] }).items).toHaveLength(2);

      // Deprovisioned members are not deprovisioned again; a further run writes nothing.
      const settled = await rowVersions(deps, teamId);
      const again = await syncNow(deps, "acme");
      expect(again.counts.members).toEqual({ created: 0, updated: 0, moved: 0, deprovisioned: 0 });
      expect(await rowVersions(deps, teamId)).toEqual(settled);
    },
  );

  syncTest(
    "a member moved between departments keeps the union of the new ones and the right main department",
    async ({ deps, acme: { teamId } }) => {
      const org = await emulatorOrg(deps);
      const who = users(org).find((u) => u.department.length === 1)!;
      const targets = org.departments
        .filter((d) => d.id !== 1 && d.id !== 50 && !who.department.includes(d.id))
        .slice(0, 2)
        .map((d) => d.id);
      await control(deps, "PATCH", `/_emulator/users/${who.userid}`, { department: targets, main_department: targets[1] });
      const job = await syncNow(deps, "acme");
      expect(job.counts.members).toMatchObject({ moved: 1, updated: 0 });
      const m = (await mirror(deps, teamId)).members.find((x) => x.userId === who.userid)!;
      expect(m).toMatchObject({ departmentIds: [...targets].sort((a, b) => a - b), main: targets[1] });
    },
  );

  syncTest(
    "a department deleted after its members moved out: the department goes, the members follow",
    async ({ deps, acme: { teamId } }) => {
      const org = await emulatorOrg(deps);
      const leaf = org.departments.find(
        (d) =>
          d.id !== 1 &&
          d.id !== 50 &&
          !org.departments.some((c) => c.parentid === d.id) &&
          users(org).some((u) => u.department.includes(d.id)),
      )!;
      const inLeaf = users(org).filter((u) => u.department.includes(leaf.id));
      for (const u of inLeaf) {
        const rest = u.department.filter((d) => d !== leaf.id);
        await control(deps, "PATCH", `/_emulator/users/${u.userid}`, { department: rest.length ? rest : [1] });
      }
      await control(deps, "DELETE", `/_emulator/departments/${leaf.id}`);
      const job = await syncNow(deps, "acme");
      expect(job.counts.departments).toEqual({ created: 0, updated: 0, moved: 0, deleted: 1 });
      expect(job.counts.members).toEqual({ created: 0, updated: 0, moved: inLeaf.length, deprovisioned: 0 });
      expect(await mirror(deps, teamId)).toEqual(expectedMirror(await emulatorOrg(deps)));
    },
  );
});
