import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { teams } from "../../../src/db/schema";
import { boundTeam } from "../../helpers/api";
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
