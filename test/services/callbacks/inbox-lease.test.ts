import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { HandlerTable } from "../../../src/callbacks/handler-table";
import { callbackInbox } from "../../../src/db/schema";
import { INBOX_LEASE_MS, processInbox } from "../../../src/services/callbacks/process-inbox";
import { boundTeam } from "../../helpers/api";
import { inboxRows, postCallback, textXml } from "../../helpers/callbacks";
import { FakeClock, testDeps, type TestDeps } from "../../helpers/deps";
import { onNodeSchedule } from "../../helpers/schedules";
import { openTestDb } from "../../helpers/test-db";

let opened: Awaited<ReturnType<typeof openTestDb>>;

beforeAll(async () => {
  opened = await openTestDb();
});
afterAll(async () => opened.close());
beforeEach(async () => {
  await opened.db.delete(callbackInbox);
});

/** Who handled which inbox row, in order, and when (test clock). */
type Call = { by: "a" | "b"; inboxId: number; at: number };

/**
 * Two instances on one database and clock. A's handler stops at its first row until `release()`
 * (a slow handler, or a process that froze there); B's handles at once.
 */
async function twoInstances(slug: string) {
  const clock = new FakeClock();
  const calls: Call[] = [];
  let reachedFirst!: () => void;
  const reached = new Promise<void>((resolve) => (reachedFirst = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const handlers = (by: "a" | "b"): HandlerTable => ({
    text: async (_deps, ctx) => {
      calls.push({ by, inboxId: ctx.inboxId, at: clock.now().getTime() });
      if (by === "a" && calls.filter((c) => c.by === "a").length === 1) {
        reachedFirst();
        await released;
      }
      return "processed";
    },
  });
  const a = testDeps(opened.db, { clock, handlers: handlers("a") });
  const b = testDeps(opened.db, { clock, handlers: handlers("b"), emulator: a.emulator });
  await boundTeam(a, slug);
  for (let i = 0; i < 2; i++) expect((await postCallback(a, slug, textXml(a, `msg ${i}`))).status).toBe(200);
  // Nobody handles them on arrival: the test starts A's processor itself.
  a.deferred.queue.length = 0;
  return { clock, a, b, calls, reached, release };
}

/** B runs inbox-sweep on its ticker as node-cron would on Node. */
function runSweepSchedule(deps: TestDeps): void {
  onNodeSchedule(deps, "inbox-sweep");
}

describe("callback inbox leases", () => {
  it("rows whose claimer died are claimed again by another instance's inbox-sweep within 30 s and handled once; the revived claimer handles none of them", async () => {
    const { clock, a, b, calls, reached, release } = await twoInstances("one");
    const aDone = processInbox(a);
    await reached;
    await a.ticker.pass(5_000);
    const lastRenewal = clock.now().getTime();
    const claimed = await inboxRows(opened.db);
    expect(claimed.map((r) => [r.status, r.attempts, r.lockedUntil?.getTime()])).toEqual([
      ["processing", 1, lastRenewal + INBOX_LEASE_MS],
      ["processing", 1, lastRenewal + INBOX_LEASE_MS],
    ]);

    // A freezes (or is killed) in its handler: no more beats.
    runSweepSchedule(b);
    for (let i = 0; i < 12 && calls.filter((c) => c.by === "b").length < 2; i++) await b.ticker.pass(5_000);
    const byB = calls.filter((c) => c.by === "b");
    expect(byB.map((c) => c.inboxId)).toEqual(claimed.map((r) => r.id));
    for (const c of byB) {
      expect(c.at - lastRenewal).toBeGreaterThan(INBOX_LEASE_MS);
      expect(c.at - lastRenewal).toBeLessThanOrEqual(30_000);
    }
    expect((await inboxRows(opened.db)).map((r) => [r.status, r.attempts])).toEqual([
      ["processed", 2],
      ["processed", 2],
    ]);

    // A comes back: its beat finds both rows taken, and it leaves the second one alone.
    await a.ticker.pass(5_000);
    release();
    expect(await aDone).toMatchObject({ processed: 1 });
    expect(a.ticker.active).toBe(0);
    expect(calls.filter((c) => c.inboxId === claimed[1]!.id).map((c) => c.by)).toEqual(["b"]);
    expect((await inboxRows(opened.db)).map((r) => r.status)).toEqual(["processed", "processed"]);
  });

  it("a live claimer keeps its rows through a long handler: its beats extend the lease, and no sweep takes them", async () => {
    const { clock, a, b, calls, reached, release } = await twoInstances("two");
    const aDone = processInbox(a);
    await reached;
    runSweepSchedule(b);
    // Two minutes in one handler; both instances' timers fire in time order.
    for (let i = 0; i < 24; i++) {
      await a.ticker.pass(5_000);
      await b.ticker.pass(0);
      const rows = await inboxRows(opened.db);
      expect(rows.map((r) => r.lockedUntil?.getTime())).toEqual([
        clock.now().getTime() + INBOX_LEASE_MS,
        clock.now().getTime() + INBOX_LEASE_MS,
      ]);
    }
    expect(calls.filter((c) => c.by === "b")).toEqual([]);
    release();
    expect(await aDone).toMatchObject({ processed: 2 });
    expect(a.ticker.active).toBe(0);
    expect(calls.map((c) => c.by)).toEqual(["a", "a"]);
    expect((await inboxRows(opened.db)).map((r) => [r.status, r.attempts])).toEqual([
      ["processed", 1],
      ["processed", 1],
    ]);
  });
});
