import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { HandlerTable } from "../../../src/callbacks/handler-table";
import { claimDueInbox } from "../../../src/db/queries/inbox";
import { callbackInbox } from "../../../src/db/schema";
import { drainInbox, INBOX_MAX_ATTEMPTS, processInbox, retryDelayMs } from "../../../src/services/callbacks/process-inbox";
import { apiClient, BINDING, boundTeam } from "../../helpers/api";
import { inboxRows, postCallback, textXml } from "../../helpers/callbacks";
import { testDeps, type TestDeps } from "../../helpers/deps";
import { syncNow } from "../../helpers/sync";
import { openTestDb } from "../../helpers/test-db";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
const calls: string[] = [];
let failuresLeft = 0;
const handlers: HandlerTable = {
  text: (_deps, ctx) => {
    calls.push(String(ctx.inboxId));
    if (failuresLeft > 0) {
      failuresLeft--;
      throw new Error("WeCom busy (-1)");
    }
    return Promise.resolve("processed");
  },
};

beforeAll(async () => {
  opened = await openTestDb();
  deps = testDeps(opened.db, { handlers });
  await boundTeam(deps, "acme");
});
afterAll(async () => opened.close());
beforeEach(async () => {
  await opened.db.delete(callbackInbox);
  calls.length = 0;
  failuresLeft = 0;
  deps.deferred.queue.length = 0;
});

describe("processInbox", () => {
  it("processes rows a crashed process stored but never handled, exactly once, after restart", async () => {
    for (let i = 0; i < 3; i++) expect((await postCallback(deps, "acme", textXml(deps, `msg ${i}`))).status).toBe(200);
    // The "crash": the deferred work never runs.
    deps.deferred.queue.length = 0;
    expect(calls).toHaveLength(0);

    const restarted = testDeps(opened.db, { handlers });
    restarted.clock.set(deps.clock.now());
    expect(await processInbox(restarted)).toEqual({ processed: 3, ignored: 0, waiting: 0, retried: 0, dead: 0 });
    expect(await processInbox(restarted)).toEqual({ processed: 0, ignored: 0, waiting: 0, retried: 0, dead: 0 });
    expect(calls).toHaveLength(3);
    expect(new Set(calls).size).toBe(3);
    expect((await inboxRows(opened.db)).map((r) => r.status)).toEqual(["processed", "processed", "processed"]);
  });

  it("reclaims a row whose processor died mid-handling only after its lease ran out", async () => {
    await postCallback(deps, "acme", textXml(deps));
    deps.deferred.queue.length = 0;
    const now = deps.clock.now();
    const claimed = await claimDueInbox(opened.db, { now, leaseUntil: new Date(now.getTime() + 60_000), limit: 10 });
    expect(claimed).toHaveLength(1);

    expect(await processInbox(deps)).toMatchObject({ processed: 0 });
    deps.clock.advance(61_000);
    expect(await processInbox(deps)).toMatchObject({ processed: 1 });
    expect(calls).toHaveLength(1);
    expect((await inboxRows(opened.db))[0]).toMatchObject({ status: "processed", attempts: 2 });
  });

  it("retries a failing handler with back-off, then succeeds", async () => {
    failuresLeft = 2;
    await postCallback(deps, "acme", textXml(deps));
    await deps.deferred.flush();
    let [row] = await inboxRows(opened.db);
    expect(row).toMatchObject({ status: "pending", attempts: 1, lastError: "Error: WeCom busy (-1)" });
    expect(row!.nextAttemptAt.getTime()).toBeGreaterThan(deps.clock.now().getTime());

    expect(await processInbox(deps)).toMatchObject({ processed: 0, retried: 0 });
    deps.clock.advance(retryDelayMs(1, () => 1));
    expect(await processInbox(deps)).toMatchObject({ retried: 1 });
    deps.clock.advance(retryDelayMs(2, () => 1));
    expect(await processInbox(deps)).toMatchObject({ processed: 1 });
    [row] = await inboxRows(opened.db);
    expect(row).toMatchObject({ status: "processed", attempts: 3, lastError: null });
    expect(calls).toHaveLength(3);
  });

  it("parks a row as a dead letter with its error after the last attempt", async () => {
    failuresLeft = 1_000;
    await postCallback(deps, "acme", textXml(deps));
    await deps.deferred.flush();
    for (let attempt = 1; attempt < INBOX_MAX_ATTEMPTS; attempt++) {
      deps.clock.advance(retryDelayMs(attempt, () => 1));
      await processInbox(deps);
    }
    const [row] = await inboxRows(opened.db);
    expect(row).toMatchObject({ status: "dead", attempts: INBOX_MAX_ATTEMPTS, lastError: "Error: WeCom busy (-1)" });
    expect(calls).toHaveLength(INBOX_MAX_ATTEMPTS);
    deps.clock.advance(24 * 3600_000);
    expect(await processInbox(deps)).toEqual({ processed: 0, ignored: 0, waiting: 0, retried: 0, dead: 0 });

    const stats = await apiClient(deps).json("GET", "/api/teams/acme/callbacks/stats");
    expect(await stats.json()).toEqual({ received: 1, processed: 0, ignored: 0, pending: 0, dead: 1 });
    expect(deps.logger.lines.some((l) => l.level === "error" && l.msg === "callback dead-lettered")).toBe(true);
  });

  it("lets two processors share the table without handling a row twice", async () => {
    for (let i = 0; i < 40; i++) await postCallback(deps, "acme", textXml(deps, `m${i}`));
    deps.deferred.queue.length = 0;
    const other = testDeps(opened.db, { handlers });
    other.clock.set(deps.clock.now());
    const [a, b] = await Promise.all([processInbox(deps), processInbox(other)]);
    expect(a.processed + b.processed).toBe(40);
    expect(calls).toHaveLength(40);
    expect(new Set(calls).size).toBe(40);
    const pending = await opened.db.select().from(callbackInbox).where(eq(callbackInbox.status, "pending"));
    expect(pending).toHaveLength(0);
  });

  it("claims no further batch once the budget is spent (shutting down): the claimed batch finishes, the rest waits, nothing twice", async () => {
    for (let i = 0; i < 120; i++) await postCallback(deps, "acme", textXml(deps, `msg ${i}`));
    deps.deferred.queue.length = 0;
    let stopping = false;
    const stopped = testDeps(opened.db, {
      handlers: {
        text: (d, ctx) => {
          stopping = true; // the signal arrives while the first batch is being handled
          return handlers.text!(d, ctx);
        },
      },
    });
    stopped.clock.set(deps.clock.now());
    await drainInbox({ ...stopped, budget: { exhausted: () => stopping } });
    const statuses = (await inboxRows(opened.db)).map((r) => r.status);
    expect(statuses.filter((s) => s === "processed")).toHaveLength(50);
    expect(statuses.filter((s) => s === "pending")).toHaveLength(70);

    const next = testDeps(opened.db, { handlers });
    next.clock.set(deps.clock.now());
    expect((await processInbox(next)).processed).toBe(70);
    expect(calls).toHaveLength(120);
    expect(new Set(calls).size).toBe(120);
  });

  it("handles chat messages one at a time, in the order they were stored", async () => {
    let active = 0;
    let most = 0;
    const order: number[] = [];
    const chat = testDeps(opened.db, {
      handlers: {
        text: async (_deps, ctx) => {
          most = Math.max(most, ++active);
          order.push(ctx.inboxId);
          await Promise.resolve();
          active--;
          return "processed";
        },
      },
    });
    for (let i = 0; i < 6; i++) await postCallback(chat, "acme", textXml(chat, `msg ${i}`));
    chat.deferred.queue.length = 0;
    expect(await processInbox(chat)).toMatchObject({ processed: 6 });
    expect(most).toBe(1);
    expect(order).toEqual((await inboxRows(opened.db)).map((r) => r.id));
  });

  it("handles rows about different members side by side: one member's slow re-read does not hold up another's", async () => {
    const side = testDeps(opened.db);
    // Hints wait for the team's first import (docs/observations.md), so import first.
    expect((await syncNow(side, "acme")).state).toBe("succeeded");
    let otherStarted!: () => void;
    const started = new Promise<void>((resolve) => (otherStarted = resolve));
    const log: string[] = [];
    const slow = testDeps(opened.db, {
      handlers: {
        "event:subscribe": async (_deps, ctx) => {
          const who = ctx.message.kind === "app_event" ? ctx.message.fromUserName : "?";
          log.push(`start ${who}`);
          // Finishes only once the other member's row is being handled: handled in turn, it never would.
          if (who === "Slow") await started;
          else otherStarted();
          log.push(`end ${who}`);
          return "processed";
        },
      },
    });
    for (const who of ["Slow", "Quick"]) {
      const xml = `<xml><ToUserName><![CDATA[${BINDING.corpId}]]></ToUserName><FromUserName><![CDATA[${who}]]></FromUserName><CreateTime>${slow.clock.unixSeconds()}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><AgentID>${BINDING.agentId}</AgentID></xml>`;
      expect((await postCallback(slow, "acme", xml)).status).toBe(200);
    }
    slow.deferred.queue.length = 0;
    expect(await processInbox(slow)).toMatchObject({ processed: 2 });
    expect(log).toEqual(["start Slow", "start Quick", "end Quick", "end Slow"]);
  });

  it.each([
    { name: "three by default", lanes: undefined, most: 3 },
    { name: "five as Node gives", lanes: 5, most: 5 },
  ])("handles as many members at once as the deps' inbox lanes allow: $name", async ({ lanes, most }) => {
    expect((await syncNow(testDeps(opened.db), "acme")).state).toBe("succeeded");
    let active = 0;
    let seen = 0;
    let full!: () => void;
    const allLanesBusy = new Promise<void>((resolve) => (full = resolve));
    const wide = testDeps(opened.db, {
      handlers: {
        "event:subscribe": async () => {
          seen = Math.max(seen, ++active);
          // Each waits until every lane holds a row: with fewer lanes than expected this never resolves.
          if (active === most) full();
          await allLanesBusy;
          active--;
          return "processed";
        },
      },
    });
    if (lanes !== undefined) wide.inboxLanes = lanes;
    for (let i = 0; i < most + 1; i++) {
      const xml = `<xml><ToUserName><![CDATA[${BINDING.corpId}]]></ToUserName><FromUserName><![CDATA[lane${i}]]></FromUserName><CreateTime>${wide.clock.unixSeconds()}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><AgentID>${BINDING.agentId}</AgentID></xml>`;
      expect((await postCallback(wide, "acme", xml)).status).toBe(200);
    }
    wide.deferred.queue.length = 0;
    expect(await processInbox(wide)).toMatchObject({ processed: most + 1 });
    expect(seen).toBe(most);
  });

  it("spreads retries with jitter within ±20 % of the base delay", () => {
    expect(retryDelayMs(1, () => 0)).toBe(24_000);
    expect(retryDelayMs(1, () => 1)).toBe(36_000);
    expect(retryDelayMs(3, () => 0.5)).toBe(120_000);
  });
});
