import { eq } from "drizzle-orm";
import { describe, expect } from "vitest";
import { syncSeenMembers } from "../../../src/db/schema";
import type { Fault } from "../../../src/emulator";
import type { TestDeps } from "../../helpers/deps";
import { control } from "../../helpers/emulator";
import { emulatorOrg, syncNow } from "../../helpers/sync";
import {
  callLog,
  expectedMirror,
  type Mirror,
  mirror,
  normalized,
  pendingFaults,
  rowVersions,
  withClient,
} from "../../helpers/sync-scenarios";
import { syncTest } from "../../helpers/sync-fixture";

syncTest.override("setup", { sync: false });
// Set up in a hook (hookTimeout), not within the first test's own timeout: the file's database opens there.
syncTest.beforeEach(({ acme }) => void acme);

async function injected(d: TestDeps): Promise<number> {
  return (await callLog(d)).filter((c) => c.fault !== undefined).length;
}

/**
 * Transient trouble the client absorbs: no fault here can hit one page more than 4 times, and the
 * client makes 5 attempts (one token refresh for 42001), so the run must end exactly as a clean one.
 */
const absorbed: { name: string; faults: Fault[]; timeoutMs?: number }[] = [
  ...[0, 1, 3, 6].map((k) => ({
    name: `42001 (token expired) at user/list call ${k}`,
    faults: [{ api: "user/list", errcode: 42001, afterCalls: k, times: 1 }],
  })),
  {
    name: "42001 on department/list and agent/get",
    faults: [
      { api: "agent/get", errcode: 42001 },
      { api: "department/list", errcode: 42001 },
    ],
  },
  { name: "a burst of 45009 (rate limited) on user/list", faults: [{ api: "user/list", errcode: 45009, afterCalls: 2, times: 4 }] },
  { name: "a burst of 45009 on department/list", faults: [{ api: "department/list", errcode: 45009, times: 4 }] },
  { name: "-1 (system busy) bursts", faults: [{ api: "user/list", errcode: -1, afterCalls: 1, times: 4 }] },
  { name: "a burst of HTTP 502 on user/list", faults: [{ api: "user/list", http: 502, afterCalls: 3, times: 4 }] },
  { name: "HTTP 503 on every API at the start", faults: [{ api: "*", http: 503, times: 4 }] },
  { name: "truncated JSON on user/list", faults: [{ api: "user/list", truncate: true, afterCalls: 1, times: 4 }] },
  {
    name: "truncated JSON on department/list and agent/get",
    faults: [
      { api: "department/list", truncate: true, times: 2 },
      { api: "agent/get", truncate: true, times: 2 },
    ],
  },
  { name: "connections reset on user/list", faults: [{ api: "user/list", reset: true, afterCalls: 2, times: 4 }] },
  { name: "timeouts on user/list", faults: [{ api: "user/list", delayMs: 300, afterCalls: 2, times: 2 }], timeoutMs: 60 },
  { name: "a timeout on department/list", faults: [{ api: "department/list", delayMs: 300, times: 1 }], timeoutMs: 60 },
];

describe("faults mid-run that the client absorbs", () => {
  for (const c of absorbed) {
    syncTest(
      `${c.name}: the import equals a clean import, a faulty re-sync writes nothing and deprovisions nobody`,
      async ({ deps, acme: { teamId } }) => {
        const d = c.timeoutMs === undefined ? deps : withClient(deps, { timeoutMs: c.timeoutMs });
        const org = await emulatorOrg(d);
        const times = c.faults.reduce((n, f) => n + (f.times ?? 1), 0);

        await control(d, "DELETE", "/_emulator/calls");
        await control(d, "POST", "/_emulator/faults", c.faults);
        const job = await syncNow(d, "acme");
        expect(await pendingFaults(d)).toEqual([]);
        expect(await injected(d)).toBe(times);
        expect(job).toMatchObject({ state: "succeeded", partial: false });
        expect(job.error).toBeUndefined();
        expect(await mirror(d, teamId)).toEqual(expectedMirror(org));

        const versions = await rowVersions(d, teamId);
        await control(d, "DELETE", "/_emulator/calls");
        await control(d, "POST", "/_emulator/faults", c.faults);
        const again = await syncNow(d, "acme");
        expect(await injected(d)).toBe(times);
        expect(again).toMatchObject({ state: "succeeded", partial: false });
        expect(again.counts.members).toEqual({ created: 0, updated: 0, moved: 0, deprovisioned: 0 });
        expect(await rowVersions(d, teamId)).toEqual(versions);
      },
    );
  }

  syncTest("a token expired in WeCom between runs is refreshed once, not per call", async ({ deps }) => {
    await syncNow(deps, "acme");
    await control(deps, "POST", "/_emulator/tokens/expire");
    await control(deps, "DELETE", "/_emulator/calls");
    const job = await syncNow(deps, "acme");
    expect(job).toMatchObject({ state: "succeeded", partial: false });
    expect((await callLog(deps)).filter((c) => c.api === "gettoken")).toHaveLength(1);
  });
});

describe("faults that outlast the retries", () => {
  /** Users really deleted in WeCom, plus a rename, before the faulty run. */
  async function deleteSome(deps: TestDeps, teamId: number): Promise<{ gone: string[]; before: Mirror }> {
    expect((await syncNow(deps, "acme")).state).toBe("succeeded");
    const users = (await emulatorOrg(deps)).users.filter((u) => u.status !== 5);
    const gone = [users[0]!.userid, users[1]!.userid];
    for (const u of gone) await control(deps, "DELETE", `/_emulator/users/${u}`);
    return { gone, before: await mirror(deps, teamId) };
  }

  async function statuses(deps: TestDeps, teamId: number, keys: string[]) {
    const m = await mirror(deps, teamId);
    return keys.map((k) => m.members.find((x) => x.userId === k)?.status);
  }

  syncTest(
    "a department page lost after 5 attempts: the run succeeds as partial, deprovisions nobody, and the next clean run does",
    async ({ deps, acme: { teamId } }) => {
      const { gone, before } = await deleteSome(deps, teamId);
      // 33 consecutive failures over at most 8 department pages: some page fails all 5 attempts.
      await control(deps, "POST", "/_emulator/faults", { api: "user/list", http: 502, afterCalls: 1, times: 33 });
      const job = await syncNow(deps, "acme");
      await control(deps, "DELETE", "/_emulator/faults");
      expect(job).toMatchObject({
        state: "succeeded",
        partial: true,
        skippedDeprovisions: "partial_listing",
        error: { code: "partial_listing" },
      });
      expect(job.counts.members.deprovisioned).toBe(0);
      expect(await statuses(deps, teamId, gone)).toEqual(["imported", "imported"]);
      expect((await mirror(deps, teamId)).members).toHaveLength(before.members.length);

      const clean = await syncNow(deps, "acme");
      expect(clean).toMatchObject({ state: "succeeded", partial: false });
      expect(clean.counts.members.deprovisioned).toBe(2);
      expect(await statuses(deps, teamId, gone)).toEqual(["locked", "locked"]);
    },
  );

  syncTest("a sustained 45009 (rate limit) on member pages: partial, nobody deprovisioned", async ({ deps, acme: { teamId } }) => {
    const { gone } = await deleteSome(deps, teamId);
    await control(deps, "POST", "/_emulator/faults", { api: "user/list", errcode: 45009, afterCalls: 1, times: 33 });
    const job = await syncNow(deps, "acme");
    await control(deps, "DELETE", "/_emulator/faults");
    expect(job).toMatchObject({ state: "succeeded", partial: true });
    expect(job.counts.members.deprovisioned).toBe(0);
    expect(await statuses(deps, teamId, gone)).toEqual(["imported", "imported"]);
    // Each 45009 waited for the next minute window (fake clock), never a tight loop.
    expect(deps.sleeps.filter((ms) => ms >= 1000).length).toBeGreaterThan(0);
  });

  syncTest(
    "a department that left the app's range mid-run (60011 on its page): partial, nobody deprovisioned",
    async ({ deps, acme: { teamId } }) => {
      const { gone } = await deleteSome(deps, teamId);
      await control(deps, "POST", "/_emulator/faults", { api: "user/list", errcode: 60011, afterCalls: 2, times: 1 });
      const job = await syncNow(deps, "acme");
      expect(job).toMatchObject({ state: "succeeded", partial: true });
      expect(job.counts.members.deprovisioned).toBe(0);
      expect(await statuses(deps, teamId, gone)).toEqual(["imported", "imported"]);
    },
  );

  syncTest(
    "a member visible one by one whose user/get keeps failing: partial, nobody deprovisioned",
    async ({ deps, acme: { teamId } }) => {
      const org = await emulatorOrg(deps);
      const only = org.users.find((u) => u.status !== 5 && !u.department.includes(2))!;
      await control(deps, "PUT", "/_emulator/apps/1000002", { allowPartys: [1], allowUsers: [only.userid] });
      const { gone } = await deleteSome(deps, teamId);
      await control(deps, "POST", "/_emulator/faults", { api: "user/get", http: 500, times: 5 });
      const job = await syncNow(deps, "acme");
      expect(await injected(deps)).toBeGreaterThanOrEqual(5);
      expect(job).toMatchObject({ state: "succeeded", partial: true });
      expect(await statuses(deps, teamId, gone)).toEqual(["imported", "imported"]);
    },
  );

  syncTest(
    "department/list failing for good: the job fails saying why, writes nothing and deprovisions nobody",
    async ({ deps, acme: { teamId } }) => {
      const { gone, before } = await deleteSome(deps, teamId);
      const versions = await rowVersions(deps, teamId);
      await control(deps, "POST", "/_emulator/faults", { api: "department/list", http: 502, times: 5 });
      const job = await syncNow(deps, "acme");
      expect(job).toMatchObject({ state: "failed", error: { code: "wecom_unavailable", api: "department/list" } });
      expect(await rowVersions(deps, teamId)).toEqual(versions);
      expect(await mirror(deps, teamId)).toEqual(before);
      expect(await statuses(deps, teamId, gone)).toEqual(["imported", "imported"]);
      // The next run starts afresh and completes.
      const next = await syncNow(deps, "acme");
      expect(next).toMatchObject({ state: "succeeded", counts: { members: { deprovisioned: 2 } } });
    },
  );

  syncTest(
    "a refusal mid-members (60020, IP not trusted): the job fails with WeCom's errcode, nobody deprovisioned, scratch rows cleared",
    async ({ deps, acme: { teamId } }) => {
      const { gone } = await deleteSome(deps, teamId);
      await control(deps, "POST", "/_emulator/faults", {
        api: "user/list",
        errcode: 60020,
        errmsg: "not allow to access from your ip, hint: [x], from ip: 203.0.113.9",
        afterCalls: 3,
      });
      const job = await syncNow(deps, "acme");
      expect(job).toMatchObject({ state: "failed", error: { code: "wecom_rejected", errcode: 60020, api: "user/list" } });
      expect(job.error?.message).toContain("203.0.113.9");
      expect(await statuses(deps, teamId, gone)).toEqual(["imported", "imported"]);
      expect(await deps.db.select().from(syncSeenMembers).where(eq(syncSeenMembers.jobId, job.id))).toEqual([]);
    },
  );

  syncTest(
    "an auth error (the secret stopped working: gettoken 40001) fails the run and deprovisions nobody",
    async ({ deps, acme: { teamId } }) => {
      const { gone, before } = await deleteSome(deps, teamId);
      await control(deps, "POST", "/_emulator/tokens/expire");
      await control(deps, "POST", "/_emulator/faults", { api: "gettoken", errcode: 40001 });
      const job = await syncNow(deps, "acme");
      expect(job).toMatchObject({ state: "failed", error: { errcode: 40001 } });
      expect(normalized(await mirror(deps, teamId))).toEqual(before);
      expect(await statuses(deps, teamId, gone)).toEqual(["imported", "imported"]);
    },
  );
});
