import { describe, expect } from "vitest";
import { BINDING } from "../../helpers/api";
import { connectCallbacks, control } from "../../helpers/emulator";
import { emulatorOrg, mirrorOf, syncNow } from "../../helpers/sync";
import { syncTest } from "../../helpers/sync-fixture";

// "acme" is bound, not imported: the first test's sync is the import.
syncTest.override("setup", { sync: false });
// Set up in a hook (hookTimeout), not within the first test's own timeout: the file's database opens there.
syncTest.beforeEach(({ acme }) => void acme);

describe("import", () => {
  syncTest("mirrors every visible department and member, multi-department members once", async ({ deps, acme: { teamId } }) => {
    const job = await syncNow(deps, "acme");
    expect(job).toMatchObject({ state: "succeeded", progress: { phase: "done" } });
    const org = await emulatorOrg(deps);
    const mirror = await mirrorOf(deps, teamId);
    expect(mirror.departments).toHaveLength(org.departments.length);
    const visible = org.users.filter((u) => u.status !== 5);
    expect(mirror.members).toHaveLength(visible.length);
    const multi = visible.filter((u) => u.department.length > 1);
    expect(multi.length).toBeGreaterThan(0);
    for (const u of multi) {
      const m = mirror.members.find((x) => x.key === u.userid.toLowerCase());
      expect(m?.departmentIds).toEqual([...u.department].sort((a, b) => a - b));
    }
    expect(job.counts.members.created).toBe(visible.length);
    expect(job.counts.departments.created).toBe(org.departments.length);
  });
});

describe("contact callbacks", () => {
  syncTest(
    "follow WeCom: a new member, a rename and a deletion arrive as callbacks and are re-read",
    async ({ deps, acme: { teamId } }) => {
      await syncNow(deps, "acme");
      await connectCallbacks(deps, "acme", BINDING);
      const org = await emulatorOrg(deps);
      const someone = org.users.find((u) => u.status !== 5)!;
      await control(deps, "POST", "/_emulator/users", { userid: "NewHire", name: "新同事", department: [org.departments[1]!.id] });
      await control(deps, "PATCH", `/_emulator/users/${someone.userid}`, { name: "改名了" });
      const leaver = org.users.filter((u) => u.status !== 5)[2]!;
      await control(deps, "DELETE", `/_emulator/users/${leaver.userid}`);
      await deps.deferred.flush();

      const mirror = await mirrorOf(deps, teamId);
      expect(mirror.members.find((m) => m.key === "newhire")).toMatchObject({ userId: "NewHire", name: "新同事", status: "imported" });
      expect(mirror.members.find((m) => m.key === someone.userid.toLowerCase())?.name).toBe("改名了");
      expect(mirror.members.find((m) => m.key === leaver.userid.toLowerCase())?.status).toBe("locked");

      // A full sync now changes nothing: callbacks converged to the same state.
      const before = JSON.stringify(await mirrorOf(deps, teamId));
      const job = await syncNow(deps, "acme");
      expect(job.counts.members).toEqual({ created: 0, updated: 0, moved: 0, deprovisioned: 0 });
      expect(JSON.stringify(await mirrorOf(deps, teamId))).toBe(before);
    },
  );
});
