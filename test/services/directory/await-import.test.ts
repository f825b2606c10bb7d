import { eq } from "drizzle-orm";
import { describe, expect } from "vitest";
import { callbackInbox } from "../../../src/db/schema";
import { schedule } from "../../../src/jobs/schedule";
import { runJob } from "../../../src/services/directory/run-job";
import { apiClient, BINDING } from "../../helpers/api";
import { TEST_CORP_ID, type TestDeps } from "../../helpers/deps";
import { connectCallbacks, control, wecomCalls } from "../../helpers/emulator";
import { emulatorOrg, type OrgSnapshot } from "../../helpers/sync";
import { expectedMirror, freshAcme, presentMirror, pushedCallbacks, startJob, stepUntil } from "../../helpers/sync-scenarios";
import type { Db } from "../../../src/db/types";
import { syncTest } from "../../helpers/sync-fixture";

// Each test starts "acme" in its own way (acmeHearingCallbacks); the file's database comes from the fixture.
// Set up in a hook (hookTimeout), not within the first test's own timeout: the file's database opens there.
syncTest.beforeEach(({ db }) => void db);

const inboxRows = (db: Db, teamId: number) =>
  db
    .select({ id: callbackInbox.id, status: callbackInbox.status, attempts: callbackInbox.attempts })
    .from(callbackInbox)
    .where(eq(callbackInbox.teamId, teamId));
const statuses = async (db: Db, teamId: number) => (await inboxRows(db, teamId)).map((r) => r.status);
const inboxSweep = schedule.find((w) => w.name === "inbox-sweep")!;

/**
 * "acme" hearing WeCom's callbacks: bound to a fresh emulator (its org generated as `org` says,
 * else the default) and, unless `sync: false`, imported.
 */
async function acmeHearingCallbacks(db: Db, o: { sync?: boolean; org?: { departments: number; users: number; seed: number } } = {}) {
  const { org } = o;
  const started = await freshAcme(db, {
    ...(o.sync === undefined ? {} : { sync: o.sync }),
    ...(org ? { prepare: (d: TestDeps) => control(d, "POST", "/_emulator/reset", { corpId: TEST_CORP_ID, org: { generate: org } }) } : {}),
  });
  await connectCallbacks(started.deps, "acme", BINDING);
  return started;
}

/** Some members of the org, each a burst of hints: renamed three times, moved, or deleted. */
async function changeMembers(deps: Parameters<typeof control>[0], org: OrgSnapshot): Promise<void> {
  const people = org.users.filter((u) => u.status !== 5);
  for (const [i, u] of people.slice(0, 5).entries())
    for (const n of [1, 2, 3]) await control(deps, "PATCH", `/_emulator/users/${u.userid}`, { name: `第${i}人改名${n}` });
  await control(deps, "PATCH", `/_emulator/users/${people[5]!.userid}`, { department: [2], main_department: 2 });
  await control(deps, "DELETE", `/_emulator/users/${people[6]!.userid}`);
  await control(deps, "POST", "/_emulator/users", { userid: "Early", name: "早到者", department: [3] });
}

describe("contact hints before the team's first import", () => {
  syncTest(
    "wait without a single user/get, then are applied once the import finishes: bursts coalesce, the mirror equals WeCom",
    async ({ db }) => {
      const { deps, teamId } = await acmeHearingCallbacks(db, { sync: false, org: { departments: 20, users: 200, seed: 4 } });
      await changeMembers(deps, await emulatorOrg(deps));
      await deps.deferred.flush();
      const hints = await statuses(db, teamId);
      const pushed = new Set((await pushedCallbacks(deps)).map((p) => p.xml));
      expect(hints.length).toBe(pushed.size);
      expect(hints.length).toBeGreaterThan(12);
      expect(new Set(hints)).toEqual(new Set(["waiting"]));
      // Parked by the insert that stored them: never claimed, so no attempt spent.
      expect(new Set((await inboxRows(db, teamId)).map((r) => r.attempts))).toEqual(new Set([0]));
      expect((await wecomCalls(deps))["user/get"] ?? 0).toBe(0);
      // The stats count them as still to be handled.
      const stats = (await (await apiClient(deps).json("GET", "/api/teams/acme/callbacks/stats")).json()) as {
        pending: number;
        received: number;
      };
      expect(stats).toMatchObject({ received: hints.length, pending: hints.length });

      const jobId = await startJob(deps, "acme");
      expect((await runJob(deps, jobId))?.state).toBe("succeeded");
      await deps.deferred.flush();
      expect(new Set(await statuses(db, teamId))).toEqual(new Set(["processed"]));
      // One re-read per member hinted at (eight), not per hint nor per member of the org (200).
      expect((await wecomCalls(deps))["user/get"]).toBeLessThanOrEqual(8);
      expect(await presentMirror(deps, teamId)).toEqual(expectedMirror(await emulatorOrg(deps)));
    },
  );

  syncTest("a change while the first import lists its pages is applied after it, over what the pages read", async ({ db }) => {
    const { deps, teamId } = await acmeHearingCallbacks(db, { sync: false, org: { departments: 30, users: 90, seed: 3 } });
    const org = await emulatorOrg(deps);
    const jobId = await startJob(deps, "acme");
    await stepUntil(deps, jobId, (j) => j.phase === "members" && ((j.cursor as { deptIndex?: number }).deptIndex ?? 0) > 0);
    await changeMembers(deps, org);
    await deps.deferred.flush();
    expect(new Set(await statuses(db, teamId))).toEqual(new Set(["waiting"]));
    expect((await runJob(deps, jobId))?.state).toBe("succeeded");
    await deps.deferred.flush();
    expect(new Set(await statuses(db, teamId))).toEqual(new Set(["processed"]));
    expect(await presentMirror(deps, teamId)).toEqual(expectedMirror(await emulatorOrg(deps)));
  });

  syncTest(
    "a hint about a member the import listed after the hint was stored is settled without a re-read; one listed before it is re-read",
    async ({ db }) => {
      const { deps, teamId } = await acmeHearingCallbacks(db, { sync: false, org: { departments: 30, users: 90, seed: 3 } });
      const org = await emulatorOrg(deps);
      const ids = org.departments.map((d) => d.id).sort((a, b) => a - b);
      const picked: string[] = [];
      const onlyIn = (departments: number[]) => {
        const u = org.users.find(
          (x) => x.status !== 5 && !picked.includes(x.userid) && x.department.every((d) => departments.includes(d)),
        )!;
        picked.push(u.userid);
        return u.userid;
      };
      // The first members step reads the first ten departments' pages (by id), the rest come later.
      const [readAlready, readLater, renamed] = [onlyIn(ids.slice(0, 10)), onlyIn(ids.slice(15)), onlyIn(ids.slice(15))];
      const jobId = await startJob(deps, "acme");
      await stepUntil(deps, jobId, (j) => j.phase === "members" && ((j.cursor as { deptIndex?: number }).deptIndex ?? 0) > 0);
      for (const userid of [readAlready, readLater]) await control(deps, "PATCH", `/_emulator/users/${userid}`, { name: `${userid}改名` });
      // A rename of the userid moves the row, so it is applied even when the new id was listed later.
      await control(deps, "PATCH", `/_emulator/users/${renamed}`, { new_userid: `${renamed}New` });
      await deps.deferred.flush();
      expect(await statuses(db, teamId)).toEqual(["waiting", "waiting", "waiting"]);
      const getsBefore = (await wecomCalls(deps))["user/get"] ?? 0;

      expect((await runJob(deps, jobId))?.state).toBe("succeeded");
      await deps.deferred.flush();
      expect(new Set(await statuses(db, teamId))).toEqual(new Set(["processed"]));
      // Re-read: the member read before its rename (one user/get) and both ids of the renamed one.
      expect(((await wecomCalls(deps))["user/get"] ?? 0) - getsBefore).toBe(3);
      expect(await presentMirror(deps, teamId)).toEqual(expectedMirror(await emulatorOrg(deps)));
    },
  );

  syncTest("a hint about a team that has been imported is applied at once", async ({ db }) => {
    const { deps, teamId } = await acmeHearingCallbacks(db);
    await control(deps, "POST", "/_emulator/users", { userid: "Later", name: "后来者", department: [2] });
    await deps.deferred.flush();
    expect(await statuses(db, teamId)).toEqual(["processed"]);
    expect(await presentMirror(deps, teamId)).toEqual(expectedMirror(await emulatorOrg(deps)));
  });

  syncTest(
    "a hint parked in the instant the import finished, after the done step released the others, is released by the next inbox sweep",
    async ({ db }) => {
      const { deps, teamId } = await acmeHearingCallbacks(db);
      await control(deps, "PATCH", `/_emulator/users/${(await emulatorOrg(deps)).users[0]!.userid}`, { name: "晚到的改名" });
      // The race: the storing statement did not see the import finish yet and parked the hint.
      const [row] = await inboxRows(db, teamId);
      await db.update(callbackInbox).set({ status: "waiting" }).where(eq(callbackInbox.id, row!.id));
      await deps.deferred.flush();
      expect(await statuses(db, teamId)).toEqual(["waiting"]);
      expect(await presentMirror(deps, teamId)).not.toEqual(expectedMirror(await emulatorOrg(deps)));

      await inboxSweep.run(deps);
      await deps.deferred.flush();
      expect(await statuses(db, teamId)).toEqual(["processed"]);
      expect(await presentMirror(deps, teamId)).toEqual(expectedMirror(await emulatorOrg(deps)));
    },
  );

  syncTest("the inbox sweep leaves the hints of a team still waiting for its first import parked", async ({ db }) => {
    const { deps, teamId } = await acmeHearingCallbacks(db, { sync: false });
    await control(deps, "POST", "/_emulator/users", { userid: "Waiter", name: "等待者", department: [2] });
    await inboxSweep.run(deps);
    await deps.deferred.flush();
    expect(await statuses(db, teamId)).toEqual(["waiting"]);
    expect((await wecomCalls(deps))["user/get"] ?? 0).toBe(0);
  });
});
