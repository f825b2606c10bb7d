import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { teams } from "../../../src/db/schema";
import { BINDING, boundTeam } from "../../helpers/api";
import { connectCallbacks, control } from "../../helpers/emulator";
import { testDeps, type TestDeps } from "../../helpers/deps";
import { emulatorOrg, mirrorOf, syncNow } from "../../helpers/sync";
import { openTestDb } from "../../helpers/test-db";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
let teamId: number;

beforeAll(async () => {
  opened = await openTestDb();
});
afterAll(async () => opened.close());
beforeEach(async () => {
  await opened.db.delete(teams);
  deps = testDeps(opened.db);
  await boundTeam(deps, "acme");
  teamId = (await opened.db.select().from(teams))[0]!.id;
});

describe("import", () => {
  it("mirrors every visible department and member, multi-department members once", async () => {
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
  it("follow WeCom: a new member, a rename and a deletion arrive as callbacks and are re-read", async () => {
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
  });
});
