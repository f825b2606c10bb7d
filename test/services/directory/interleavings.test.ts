// Every writer pair of a re-sync and a contact callback, deterministically: WeCom changes after the
// listing read the object, and the callback is applied between that read and the run's apply, or
// after the run. The mirror must end equal to WeCom and nobody who exists may be staged
// (docs/observations.md).
import { describe, expect } from "vitest";
import { BINDING } from "../../helpers/api";
import { TEST_CORP_ID, type TestDeps } from "../../helpers/deps";
import { connectCallbacks, control } from "../../helpers/emulator";
import { emulatorOrg, type OrgSnapshot } from "../../helpers/sync";
import { auditRows, expectedMirror, memberByKey, presentMirror, stagedButPresent, startJob, stepUntil } from "../../helpers/sync-scenarios";
import type { SyncCursor } from "../../../src/services/directory/job-context";
import { runJob } from "../../../src/services/directory/run-job";
import { syncTest } from "../../helpers/sync-fixture";

/** An empty department the tree lists, to move or delete during a run. */
const SPARE = 900;

interface World {
  deps: TestDeps;
  teamId: number;
  /** The re-sync under test, not started yet. */
  start: () => Promise<number>;
  jobId?: number;
  /** Department ids in listing order: the first is read in the run's first members step, the last in its last. */
  ids: number[];
  org: OrgSnapshot;
}

/** Starts the re-sync and steps it until the tree and the first ten departments' pages are read. */
async function listFirstPages(w: World): Promise<void> {
  const jobId = (w.jobId = await w.start());
  const listing = await stepUntil(w.deps, jobId, (j) => j.phase === "members" && ((j.cursor as SyncCursor).deptIndex ?? 0) > 0);
  expect((listing.cursor as SyncCursor).deptIndex).toBeLessThan(w.ids.length - 2);
}

/** Someone whose every department is among `departments`. */
function someoneIn(w: World, departments: number[]): string {
  const u = w.org.users.find((x) => x.status !== 5 && x.department.every((d) => departments.includes(d)));
  if (!u) throw new Error(`nobody only in ${departments.join(",")}`);
  return u.userid;
}

/** Someone the run's first members step lists (the first ten departments). */
const listedFirst = (w: World) => someoneIn(w, w.ids.slice(0, 10));

type Change = (w: World) => Promise<{ subject?: string; gone?: string }>;

/**
 * A member changed before the run whose callback is still in the inbox: the listing stages the
 * member as changed, so its page carries a value for the apply to write (one the mirror lacks).
 */
async function changedBeforeTheRun(w: World, userid: string): Promise<void> {
  await control(w.deps, "PATCH", `/_emulator/users/${userid}`, { position: "换岗之前" });
  w.deps.deferred.queue.length = 0;
}

const CHANGES: Record<string, Change> = {
  "member created in a department already listed": async (w) => {
    await listFirstPages(w);
    await control(w.deps, "POST", "/_emulator/users", { userid: "Newbie", name: "新同事", department: [w.ids[0]] });
    return { subject: "Newbie" };
  },
  "member created in a department newer than the tree and one not yet listed": async (w) => {
    await listFirstPages(w);
    await control(w.deps, "POST", "/_emulator/departments", { id: 902, name: "更新的部门", parentid: 1 });
    const department = [w.ids[w.ids.length - 1]!, 902];
    await control(w.deps, "POST", "/_emulator/users", { userid: "Straddler", name: "跨部门", department, main_department: 902 });
    return { subject: "Straddler" };
  },
  "member renamed after its page was read": async (w) => {
    const userid = listedFirst(w);
    await changedBeforeTheRun(w, userid);
    await listFirstPages(w);
    await control(w.deps, "PATCH", `/_emulator/users/${userid}`, { name: "改过的名字" });
    return { subject: userid };
  },
  "member moved from a department not yet listed into one already listed": async (w) => {
    await listFirstPages(w);
    const userid = someoneIn(w, w.ids.slice(-5));
    await control(w.deps, "PATCH", `/_emulator/users/${userid}`, { department: [w.ids[0]], main_department: w.ids[0] });
    return { subject: userid };
  },
  "member deleted after its page was read": async (w) => {
    const userid = listedFirst(w);
    await changedBeforeTheRun(w, userid);
    await listFirstPages(w);
    await control(w.deps, "DELETE", `/_emulator/users/${userid}`);
    return { gone: userid };
  },
  "member created before the run, its hint still in flight, and deleted after its page was read": async (w) => {
    await control(w.deps, "POST", "/_emulator/users", { userid: "Fleeting", name: "匆匆", department: [w.ids[1]] });
    w.deps.deferred.queue.length = 0;
    await listFirstPages(w);
    await control(w.deps, "DELETE", "/_emulator/users/Fleeting");
    return {};
  },
  "member's userid renamed after its page was read": async (w) => {
    const userid = listedFirst(w);
    await changedBeforeTheRun(w, userid);
    await listFirstPages(w);
    await control(w.deps, "PATCH", `/_emulator/users/${userid}`, { newUserId: "Renamed01" });
    return { subject: "Renamed01", gone: userid };
  },
  "department created after the tree was read": async (w) => {
    await listFirstPages(w);
    await control(w.deps, "POST", "/_emulator/departments", { id: 901, name: "新部门", parentid: w.ids[0] });
    return {};
  },
  "department renamed after the tree was read": async (w) => {
    await listFirstPages(w);
    await control(w.deps, "PATCH", `/_emulator/departments/${w.ids[1]}`, { name: "改名的部门" });
    return {};
  },
  "department moved after the tree was read": async (w) => {
    await listFirstPages(w);
    await control(w.deps, "PATCH", `/_emulator/departments/${SPARE}`, { parentid: w.ids[1] });
    return {};
  },
  "department deleted after the tree was read": async (w) => {
    await listFirstPages(w);
    await control(w.deps, "DELETE", `/_emulator/departments/${SPARE}`);
    return {};
  },
};

/** A team imported from 30 departments (three members steps of ten), callbacks connected. */
const worldTest = syncTest.extend("w", async ({ deps, acme: { teamId } }): Promise<World> => {
  await connectCallbacks(deps, "acme", BINDING);
  const org = await emulatorOrg(deps);
  return { deps, teamId, org, ids: org.departments.map((d) => d.id).sort((a, b) => a - b), start: () => startJob(deps, "acme") };
});
worldTest.override("setup", {
  prepare: async (d) => {
    await control(d, "POST", "/_emulator/reset", { corpId: TEST_CORP_ID, org: { generate: { departments: 30, users: 90, seed: 3 } } });
    await control(d, "POST", "/_emulator/departments", { id: SPARE, name: "备用组", parentid: 1 });
  },
});
// Set up in a hook (hookTimeout), not within the first test's own timeout: the file's database opens there.
worldTest.beforeEach(({ w }) => void w);

describe.each(["between the listing and the apply", "after the run"] as const)("a callback applied %s", (timing) => {
  worldTest.for(Object.keys(CHANGES))("%s: the mirror ends equal to WeCom, nobody existing is staged", async (name, { w }) => {
    const { deps, teamId: id } = w;
    const { subject, gone } = await CHANGES[name]!(w);
    const jobId = w.jobId!;
    if (timing === "between the listing and the apply") await deps.deferred.flush();
    const job = await runJob(deps, jobId);
    await deps.deferred.flush();

    expect(job?.state).toBe("succeeded");
    const org = await emulatorOrg(deps);
    expect(await presentMirror(deps, id)).toEqual(expectedMirror(org));
    expect(await stagedButPresent(deps, jobId)).toEqual([]);
    expect(job?.counts.members.deprovisioned).toBe(0);
    if (gone) {
      const row = await memberByKey(deps, id, gone).catch(() => null);
      // Deleted: marked deprovisioned by its callback; renamed away: the row moved to the new key.
      if (row) expect(row.deprovisionedAt).not.toBeNull();
    }
    if (subject) {
      // The audit names the observation that set the member's current value.
      const member = await memberByKey(deps, id, subject);
      const entries = (await auditRows(deps, id)).filter(
        (e) => e.subjectType === "member" && e.subjectId === String(member.id) && e.after !== null,
      );
      const last = entries[entries.length - 1]!;
      expect(last.observedAt).not.toBeNull();
      expect(last.observedAt! <= member.observedAt!).toBe(true);
      if ((last.after as { name?: string }).name !== undefined) expect((last.after as { name: string }).name).toBe(member.name);
    }
  });
});
