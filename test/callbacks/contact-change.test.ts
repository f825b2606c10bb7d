import { eq } from "drizzle-orm";
import { describe, expect } from "vitest";
import { callbackInbox } from "../../src/db/schema";
import { BINDING, boundTeam } from "../helpers/api";
import { postCallback } from "../helpers/callbacks";
import type { TestDeps } from "../helpers/deps";
import { connectCallbacks, control, wecomCalls } from "../helpers/emulator";
import { emulatorOrg, syncNow, type OrgSnapshot } from "../helpers/sync";
import {
  api,
  auditRows,
  handleContactXml,
  memberByKey,
  mirror,
  mirrorFingerprint,
  mirrorSnapshot,
  pushedCallbacks,
  rowVersions,
  seededRandom,
  setRole,
  setStatus,
  shuffle,
  subtree,
  teamIdOf,
  type Mirror,
} from "../helpers/sync-scenarios";
import { syncTest } from "../helpers/sync-fixture";

let deps: TestDeps;
/** Follows WeCom through callbacks only. */
let teamId: number;
/** Bound to the same WeCom, imported at the same moment, then brought up to date by a full sync. */
let refId: number;

syncTest.override("setup", {
  deps: { config: { wecomBudget: { perMinute: 1_000_000, perHour: 10_000_000 } } },
  prepare: async (deps) => {
    // A department with a single member, who leaves it before it is deleted (delete_party).
    await control(deps, "POST", "/_emulator/departments", { id: 50, name: "临时项目组", parentid: 1 });
    await control(deps, "POST", "/_emulator/users", { userid: "Temp", name: "临时工", department: [50] });
    // A small department (one member) to move under another parent.
    await control(deps, "POST", "/_emulator/departments", { id: 51, name: "漂移组", parentid: 2 });
    await control(deps, "POST", "/_emulator/users", { userid: "Drifter", name: "漂移者", department: [51] });
    await control(deps, "DELETE", "/_emulator/callbacks");
  },
});
// The helpers below work on the test's deps; set up in a hook (hookTimeout), where the file's database opens.
syncTest.beforeEach(({ deps: fresh }) => {
  deps = fresh;
});

async function importBoth(): Promise<OrgSnapshot> {
  await boundTeam(deps, "acme");
  await boundTeam(deps, "ref");
  teamId = await teamIdOf(deps, "acme");
  refId = await teamIdOf(deps, "ref");
  expect((await syncNow(deps, "acme")).state).toBe("succeeded");
  expect((await syncNow(deps, "ref")).state).toBe("succeeded");
  expect(await mirror(deps, teamId)).toEqual(await mirror(deps, refId));
  return emulatorOrg(deps);
}

/** The full-sync state: the reference team's mirror after a sync of the current WeCom. */
async function fullSyncState(): Promise<Mirror> {
  const job = await syncNow(deps, "ref");
  expect(job.state).toBe("succeeded");
  return mirror(deps, refId);
}

const active = (org: OrgSnapshot) => org.users.filter((u) => u.status !== 5);

/**
 * Address-book changes covering every change type: a new department with a new member and a
 * member who joins it (keeping another department), members created, renamed, moved and deleted,
 * a department renamed, one moved under another parent, one emptied and deleted. `core` keeps 7
 * of them (every change type, every department/member interplay) for the replay test.
 */
async function changeEverything(org: OrgSnapshot, core = false): Promise<{ deleted: string }> {
  const fixtures = new Set([1, 50, 51]);
  const single = active(org).filter((u) => u.department.length === 1 && !fixtures.has(u.department[0]!));
  const [renamed, joiner, mover, deleted] = single;
  const leaf = org.departments.find((d) => !fixtures.has(d.id) && !org.departments.some((c) => c.parentid === d.id))!;
  const moving = org.departments.find((d) => d.id === 51)!;
  const newParent = org.departments.find((d) => d.parentid === 1 && !fixtures.has(d.id) && d.id !== moving.parentid)!;
  const elsewhere = org.departments.find((d) => !fixtures.has(d.id) && d.id !== mover!.department[0])!;

  await control(deps, "POST", "/_emulator/departments", { id: 40, name: "新成立部", parentid: newParent.id });
  await control(deps, "POST", "/_emulator/users", { userid: "NewHire", name: "新同事", department: [40], position: "实习生" });
  if (!core) await control(deps, "POST", "/_emulator/users", { userid: "Second", name: "第二位", department: [elsewhere.id] });
  if (!core) await control(deps, "PATCH", `/_emulator/users/${renamed!.userid}`, { name: "改名者", position: "新岗位" });
  await control(deps, "PATCH", `/_emulator/users/${joiner!.userid}`, { department: [joiner!.department[0]!, 40] });
  if (!core) await control(deps, "PATCH", `/_emulator/users/${mover!.userid}`, { department: [elsewhere.id] });
  await control(deps, "DELETE", `/_emulator/users/${deleted!.userid}`);
  if (!core) await control(deps, "PATCH", `/_emulator/departments/${leaf.id}`, { name: `${leaf.name}改` });
  await control(deps, "PATCH", `/_emulator/departments/${moving.id}`, { parentid: newParent.id });
  await control(deps, "PATCH", "/_emulator/users/Temp", { department: [elsewhere.id] });
  await control(deps, "DELETE", "/_emulator/departments/50");
  return { deleted: deleted!.userid };
}

describe("contact callbacks pushed by the emulator (signed, encrypted, some delivered twice)", () => {
  syncTest("create/update/delete of users and departments converge to the full-sync state, one inbox row per message", async () => {
    const org = await importBoth();
    await connectCallbacks(deps, "acme", BINDING);
    await control(deps, "PUT", "/_emulator/callback-faults", { duplicate: 6 });
    const { deleted } = await changeEverything(org);
    await deps.deferred.flush();

    const pushes = await pushedCallbacks(deps);
    expect(pushes).toHaveLength(11);
    expect(pushes.map((p) => p.kind).sort()).toEqual(
      [
        "create_party",
        "create_user",
        "create_user",
        "update_user",
        "update_user",
        "update_user",
        "update_user",
        "delete_user",
        "update_party",
        "update_party",
        "delete_party",
      ].sort(),
    );
    expect(pushes.filter((p) => p.deliveries.length === 2)).toHaveLength(6);
    for (const p of pushes) for (const d of p.deliveries) expect(d.status).toBe(200);
    const inbox = await deps.db.select().from(callbackInbox).where(eq(callbackInbox.teamId, teamId));
    expect(inbox).toHaveLength(11);
    expect(inbox.every((r) => r.status === "processed")).toBe(true);

    const got = await mirror(deps, teamId);
    expect(got.members.find((m) => m.userId === deleted)?.status).toBe("locked");
    expect(got.members.find((m) => m.userId === "NewHire")).toMatchObject({ departmentIds: [40], status: "imported" });
    expect(got).toEqual(await fullSyncState());

    // And a full sync of the callback-fed team finds nothing to do.
    const versions = await rowVersions(deps, teamId);
    const job = await syncNow(deps, "acme");
    expect(job.counts).toEqual({
      departments: { created: 0, updated: 0, moved: 0, deleted: 0 },
      members: { created: 0, updated: 0, moved: 0, deprovisioned: 0 },
    });
    expect(await rowVersions(deps, teamId)).toEqual(versions);
  });

  syncTest("a message delivered four times, concurrently, has one effect", async () => {
    const org = await importBoth();
    await connectCallbacks(deps, "acme", BINDING);
    const who = active(org)[0]!;
    await control(deps, "DELETE", "/_emulator/callback"); // capture only
    await control(deps, "DELETE", "/_emulator/callbacks");
    await control(deps, "PATCH", `/_emulator/users/${who.userid}`, { name: "只改一次" });
    const [push] = await pushedCallbacks(deps);
    const answers = await Promise.all([1, 2, 3, 4].map(() => postCallback(deps, "acme", push!.xml)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await deps.deferred.flush();
    expect(await deps.db.select().from(callbackInbox).where(eq(callbackInbox.teamId, teamId))).toHaveLength(1);
    expect((await memberByKey(deps, teamId, who.userid)).name).toBe("只改一次");
    expect(await auditRows(deps, teamId, "member.updated")).toHaveLength(1);
  });
});

describe("order: WeCom does not order its callbacks", () => {
  /** Captures the pushes of `change` (no callback target) and delivers them in `order` through the real endpoint. */
  async function captureAndDeliver(change: () => Promise<void>, order: (kinds: string[]) => number[]) {
    await control(deps, "DELETE", "/_emulator/callbacks");
    await change();
    const pushes = await pushedCallbacks(deps);
    for (const i of order(pushes.map((p) => p.kind))) {
      expect((await postCallback(deps, "acme", pushes[i]!.xml)).status).toBe(200);
      await deps.deferred.flush();
    }
    return pushes;
  }

  syncTest("a new member's event before its new department's event still converges", async () => {
    await importBoth();
    const pushes = await captureAndDeliver(
      async () => {
        await control(deps, "POST", "/_emulator/departments", { id: 40, name: "新成立部", parentid: 2 });
        await control(deps, "POST", "/_emulator/users", { userid: "NewHire", name: "新同事", department: [40] });
      },
      () => [1, 0],
    );
    expect(pushes.map((p) => p.kind)).toEqual(["create_party", "create_user"]);
    const got = await mirror(deps, teamId);
    expect(got.members.find((m) => m.userId === "NewHire")).toMatchObject({ departmentIds: [40], status: "imported" });
    expect(got).toEqual(await fullSyncState());
  });

  syncTest(
    "an existing member moved into a new department, the member's event first: converges to the full-sync state (not locked)",
    async () => {
      const org = await importBoth();
      const who = active(org).find((u) => u.department.length === 1)!;
      await captureAndDeliver(
        async () => {
          await control(deps, "POST", "/_emulator/departments", { id: 40, name: "新成立部", parentid: 2 });
          await control(deps, "PATCH", `/_emulator/users/${who.userid}`, { department: [40] });
        },
        () => [1, 0],
      );
      const got = await mirror(deps, teamId);
      const reference = await fullSyncState();
      expect(reference.members.find((m) => m.userId === who.userid)).toMatchObject({ departmentIds: [40], status: "imported" });
      expect(got.members.find((m) => m.userId === who.userid)).toMatchObject({ departmentIds: [40], status: "imported" });
      expect(got).toEqual(reference);
    },
  );

  syncTest(
    ">= 1,000 random orders, with duplicates, of a set of contact events all converge to the full-sync state",
    async () => {
      const org = await importBoth();
      const snapshot = mirrorSnapshot(deps.db, teamId, "orders");
      await snapshot.take();
      await control(deps, "DELETE", "/_emulator/callbacks");
      await changeEverything(org, true);
      const events = (await pushedCallbacks(deps)).map((p) => ({ kind: p.kind, xml: p.xml }));
      expect(events.map((e) => e.kind)).toEqual([
        "create_party",
        "create_user",
        "update_user",
        "delete_user",
        "update_party",
        "update_user",
        "delete_party",
      ]);
      const reference = await fullSyncState();
      const expected = await mirrorFingerprint(deps.db, refId);
      // The starting point is not already the answer.
      expect(await mirrorFingerprint(deps.db, teamId)).not.toBe(expected);

      const ORDERS = 1000;
      for (let seed = 1; seed <= ORDERS; seed++) {
        const random = seededRandom(seed);
        const duplicates = [events[Math.floor(random() * events.length)]!];
        const order = shuffle([...events, ...duplicates], random);
        await snapshot.restore();
        if (seed % 200 === 0) {
          // Now and then through the whole path: sealed, POSTed, stored, processed from the inbox.
          await deps.db.delete(callbackInbox).where(eq(callbackInbox.teamId, teamId));
          for (const e of order) expect((await postCallback(deps, "acme", e.xml)).status).toBe(200);
          await deps.deferred.flush();
        } else {
          for (const e of order) await handleContactXml(deps, teamId, e.xml);
        }
        if ((await mirrorFingerprint(deps.db, teamId)) !== expected) {
          const kinds = order.map((e) => `${e.kind}:${/<(?:UserID|Id)>(?:<!\[CDATA\[)?([^<\]]+)/.exec(e.xml)?.[1] ?? "?"}`);
          expect(await mirror(deps, teamId), `order #${seed}: ${kinds.join(" → ")}`).toEqual(reference);
        }
      }
      await snapshot.drop();
    },
    600_000,
  );
});

describe("a department that appeared or moved", () => {
  /** Department 2's members move under department 51; its update_party callback is delivered. */
  async function moveDepartmentTwo(): Promise<number> {
    await importBoth();
    await connectCallbacks(deps, "acme", BINDING);
    const members = active(await emulatorOrg(deps)).filter((u) => u.department.includes(2)).length;
    expect(members).toBeGreaterThan(2);
    await control(deps, "DELETE", "/_emulator/calls");
    await control(deps, "PATCH", "/_emulator/departments/2", { parentid: 50 });
    await deps.deferred.flush();
    return members;
  }

  syncTest("brings its members with one user/list of it, not a user/get each, and converges to the full-sync state", async () => {
    await moveDepartmentTwo();
    const calls = await wecomCalls(deps);
    expect(calls["user/get"] ?? 0).toBe(0);
    expect(calls["user/list"]).toBeGreaterThanOrEqual(1);
    expect(await mirror(deps, teamId)).toEqual(await fullSyncState());
  });

  syncTest("with a secret that may not call user/list (48002), re-reads its members one by one instead", async () => {
    await control(deps, "POST", "/_emulator/faults", { api: "user/list", errcode: 48002, times: 1000 });
    await boundTeam(deps, "acme");
    teamId = await teamIdOf(deps, "acme");
    expect((await syncNow(deps, "acme")).state).toBe("succeeded");
    await connectCallbacks(deps, "acme", BINDING);
    const members = active(await emulatorOrg(deps)).filter((u) => u.department.includes(2)).length;
    await control(deps, "DELETE", "/_emulator/calls");
    await control(deps, "PATCH", "/_emulator/departments/2", { parentid: 50 });
    await deps.deferred.flush();
    expect((await wecomCalls(deps))["user/get"]).toBeGreaterThanOrEqual(members);
    // The tree a full sync with the same secret makes: nothing left to change in it.
    const followed = (await mirror(deps, teamId)).departments;
    expect(followed.find((d) => d.id === 2)).toMatchObject({ parentId: 50 });
    expect((await syncNow(deps, "acme")).state).toBe("succeeded");
    expect((await mirror(deps, teamId)).departments).toEqual(followed);
  });
});

describe("members the sync keeps must survive a callback about them", () => {
  syncTest(
    "a member the app sees one by one (allowUsers, no visible department): an update callback updates, never deprovisions",
    async () => {
      const org = await emulatorOrg(deps);
      const visible = subtree(org, 2);
      const only = active(org).find((u) => !u.department.some((d) => visible.has(d)))!;
      await control(deps, "PUT", "/_emulator/apps/1000002", { allowPartys: [2], allowUsers: [only.userid] });
      await importBoth();
      expect(await memberByKey(deps, teamId, only.userid)).toMatchObject({ status: "imported", departmentIds: [] });

      await connectCallbacks(deps, "acme", BINDING);
      await control(deps, "PATCH", `/_emulator/users/${only.userid}`, { name: "单独可见者" });
      await deps.deferred.flush();
      expect(await memberByKey(deps, teamId, only.userid)).toMatchObject({ name: "单独可见者", status: "imported", deprovisionedAt: null });
      expect(await mirror(deps, teamId)).toEqual(await fullSyncState());
    },
  );
});

describe("a mirror narrowed to a scope", () => {
  syncTest("callbacks inside and outside the scope converge to what a full sync of the same scope makes", async () => {
    const org = await emulatorOrg(deps);
    const center = org.departments.find(
      (d) => d.parentid === 1 && !([50, 51] as number[]).includes(d.id) && org.departments.some((c) => c.parentid === d.id),
    )!;
    await boundTeam(deps, "acme", { ...BINDING });
    await boundTeam(deps, "ref");
    const scoped = { ...BINDING, scopeDepartmentIds: [center.id] };
    for (const slug of ["acme", "ref"]) expect((await api(deps, "PUT", `/api/teams/${slug}/wecom`, scoped)).status).toBe(200);
    teamId = await teamIdOf(deps, "acme");
    refId = await teamIdOf(deps, "ref");
    expect((await syncNow(deps, "acme")).state).toBe("succeeded");
    expect(await mirror(deps, teamId)).toEqual(await fullSyncState());
    expect((await mirror(deps, teamId)).departments.length).toBeLessThan(org.departments.length);
    const inside = subtree(org, center.id);
    const insider = active(org).find((u) => u.department.length === 1 && inside.has(u.department[0]!))!;
    const outsider = active(org).find(
      (u) => u.department.length === 1 && !inside.has(u.department[0]!) && u.department[0] !== 50 && u.department[0] !== 51,
    )!;
    const outsideDept = org.departments.find((d) => d.parentid === 1 && !inside.has(d.id) && d.id !== 50 && d.id !== 51)!;

    await connectCallbacks(deps, "acme", BINDING);
    await control(deps, "POST", "/_emulator/departments", { id: 41, name: "范围内新部", parentid: center.id });
    await control(deps, "POST", "/_emulator/departments", { id: 42, name: "范围外新部", parentid: outsideDept.id });
    await control(deps, "POST", "/_emulator/users", { userid: "InsideHire", name: "范围内新人", department: [41] });
    await control(deps, "POST", "/_emulator/users", { userid: "OutsideHire", name: "范围外新人", department: [42] });
    await control(deps, "PATCH", `/_emulator/users/${insider.userid}`, { department: [outsideDept.id] });
    await control(deps, "PATCH", `/_emulator/users/${outsider.userid}`, { department: [41, outsideDept.id] });
    await deps.deferred.flush();

    const got = await mirror(deps, teamId);
    expect(got.departments.map((d) => d.id)).toContain(41);
    expect(got.departments.map((d) => d.id)).not.toContain(42);
    expect(got.members.find((m) => m.userId === "OutsideHire")).toBeUndefined();
    expect(got.members.find((m) => m.userId === outsider.userid)).toMatchObject({ departmentIds: [41], status: "imported" });
    expect(got.members.find((m) => m.userId === insider.userid)?.status).toBe("locked");
    expect(got).toEqual(await fullSyncState());
  });
});

describe("a member in a department outside the scope", () => {
  syncTest("re-lists the tree for that department once, not on every callback about the member", async () => {
    const org = await emulatorOrg(deps);
    const center = org.departments.find(
      (d) => d.parentid === 1 && !([50, 51] as number[]).includes(d.id) && org.departments.some((c) => c.parentid === d.id),
    )!;
    const inside = subtree(org, center.id);
    const outsideDept = org.departments.find((d) => d.parentid === 1 && !inside.has(d.id) && d.id !== 50 && d.id !== 51)!;
    await boundTeam(deps, "acme");
    expect((await api(deps, "PUT", "/api/teams/acme/wecom", { ...BINDING, scopeDepartmentIds: [center.id] })).status).toBe(200);
    teamId = await teamIdOf(deps, "acme");
    await control(deps, "POST", "/_emulator/users", { userid: "TwoPlaces", name: "两处", department: [center.id, outsideDept.id] });
    expect((await syncNow(deps, "acme")).state).toBe("succeeded");
    await connectCallbacks(deps, "acme", BINDING);
    await control(deps, "DELETE", "/_emulator/calls");

    for (const name of ["两处甲", "两处乙"]) {
      await control(deps, "PATCH", "/_emulator/users/TwoPlaces", { name });
      await deps.deferred.flush();
      expect(await memberByKey(deps, teamId, "TwoPlaces"), name).toMatchObject({ name, departmentIds: [center.id], status: "imported" });
    }
    const calls = await wecomCalls(deps);
    expect(calls["user/get"]).toBe(2);
    expect(calls["department/list"]).toBe(1);
  });
});

describe("a userid renamed in WeCom (update_user with NewUserID)", () => {
  syncTest("keeps the member's row and history; a full sync afterwards changes nothing", async () => {
    const org = await importBoth();
    const who = active(org)[0]!;
    const before = await memberByKey(deps, teamId, who.userid);
    await connectCallbacks(deps, "acme", BINDING);
    await control(deps, "PATCH", `/_emulator/users/${who.userid}`, { newUserId: "Renamed01" });
    await deps.deferred.flush();
    const after = await memberByKey(deps, teamId, "Renamed01");
    expect(after).toMatchObject({ id: before.id, wecomUserId: "Renamed01", status: "imported" });
    expect((await mirror(deps, teamId)).members.find((m) => m.key === who.userid.toLowerCase())).toBeUndefined();

    const versions = await rowVersions(deps, teamId);
    const job = await syncNow(deps, "acme");
    expect(job.counts.members).toEqual({ created: 0, updated: 0, moved: 0, deprovisioned: 0 });
    expect(await rowVersions(deps, teamId)).toEqual(versions);
  });
});

describe("protected roles and the policy through callbacks", () => {
  syncTest("an owner and an admin deleted in WeCom are held for review, never deprovisioned by a callback", async () => {
    const org = await importBoth();
    const [owner, admin, plain] = active(org).map((u) => u.userid);
    await setStatus(deps, teamId, "active", [owner!, admin!, plain!]);
    await setRole(deps, teamId, owner!, "owner");
    await setRole(deps, teamId, admin!, "admin");
    await connectCallbacks(deps, "acme", BINDING);
    for (const u of [owner!, admin!, plain!]) await control(deps, "DELETE", `/_emulator/users/${u}`);
    await deps.deferred.flush();

    expect(await memberByKey(deps, teamId, owner!)).toMatchObject({ status: "active", role: "owner", deprovisionedAt: null });
    expect(await memberByKey(deps, teamId, admin!)).toMatchObject({ status: "active", role: "admin", deprovisionedAt: null });
    expect(await memberByKey(deps, teamId, plain!)).toMatchObject({ status: "locked", statusBefore: "active" });
    const held = await auditRows(deps, teamId, "member.deprovision_held");
    expect(held.map((h) => h.subjectId).sort()).toEqual(
      [String((await memberByKey(deps, teamId, owner!)).id), String((await memberByKey(deps, teamId, admin!)).id)].sort(),
    );
    for (const h of held) expect(h).toMatchObject({ initiator: "callback", after: { reason: "protected_role" } });
    expect(await auditRows(deps, teamId, "member.deprovisioned")).toHaveLength(1);
  });

  syncTest("the team's policy applies to a member deleted through a callback (remove)", async () => {
    const org = await importBoth();
    const gone = active(org)[0]!.userid;
    expect((await api(deps, "PUT", "/api/teams/acme/policy", { onMemberDeleted: "remove" })).status).toBe(200);
    await connectCallbacks(deps, "acme", BINDING);
    await control(deps, "DELETE", `/_emulator/users/${gone}`);
    await deps.deferred.flush();
    expect(await memberByKey(deps, teamId, gone)).toMatchObject({ status: "removed", statusBefore: "imported" });
    // A repeated delete has no further effect.
    const [push] = (await pushedCallbacks(deps)).filter((p) => p.kind === "delete_user");
    await handleContactXml(deps, teamId, push!.xml);
    expect(await auditRows(deps, teamId, "member.deprovisioned")).toHaveLength(1);
  });
});
