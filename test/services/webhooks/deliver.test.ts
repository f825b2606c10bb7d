import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimDueDeliveries, fanOutBatches } from "../../../src/db/queries/webhooks";
import { auditLog, members, webhookBatches, webhookDeliveries, webhookEvents } from "../../../src/db/schema";
import type { Db } from "../../../src/db/types";
import { deliverWebhooks, fanOutWebhooks, RETRY_DELAYS_MS } from "../../../src/services/webhooks/deliver";
import type { HttpExchange } from "../../../src/wecom/transport";
import { FakeClock, testDeps, type TestDeps } from "../../helpers/deps";
import { openTestDb } from "../../helpers/test-db";
import { auditedChanges, range, teamWithEndpoint as outboxTeam } from "../../helpers/webhook-outbox";

// The sender's walk over the pending deliveries (docs/webhooks.md#claim-cost), on backlogs of
// several claim windows (512 ids) written the way an import writes them: audit rows in one
// statement, a batch per statement in the outbox, fanned out into events and deliveries; and the
// outbox itself (docs/webhooks.md#the-outbox).

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;

interface Receipt {
  path: string;
  /** webhook_events.id: the order the events happened in. */
  event: number;
  member: number;
  status: number;
}

/** webhook-id → the event's row id, for the order per member. */
const eventIds = new Map<string, number>();
let receipts: Receipt[] = [];

beforeAll(async () => {
  opened = await openTestDb();
  deps = testDeps(opened.db, { env: { WEBHOOK_ALLOW_PRIVATE: "true" }, clock: new FakeClock() });
});
afterAll(async () => {
  await opened.close();
});

/** Answers with `answer` (200 unless it says otherwise) and records each request; `advanceMs` passes on the clock per request. */
function receiving(
  answer: (r: Omit<Receipt, "status">) => number = () => 200,
  advanceMs = 0,
): (x: HttpExchange) => Promise<{ status: number; text: string }> {
  return async (x) => {
    if (eventIds.size === 0 || !eventIds.has(x.headers["webhook-id"]!)) await learnEventIds();
    const body = JSON.parse(x.body!) as { data: { memberId: number } };
    const r = { path: new URL(x.url).pathname, event: eventIds.get(x.headers["webhook-id"]!)!, member: body.data.memberId };
    const status = answer(r);
    receipts.push({ ...r, status });
    deps.clock.advance(advanceMs);
    return { status, text: "ok" };
  };
}

async function learnEventIds(): Promise<void> {
  for (const e of await opened.db.select({ id: webhookEvents.id, eventId: webhookEvents.eventId }).from(webhookEvents))
    eventIds.set(e.eventId, e.id);
}

const teamWithEndpoint = async (slug: string) => (await outboxTeam(deps, slug)).teamId;
const changed = (teamId: number, members: number[], db?: Db) => auditedChanges(deps, teamId, members, db);

/** What `path` received with a 2xx, each event once and each member's in the order they happened. */
function expectOncePerEventInOrder(path: string, events: number): void {
  const ok = receipts.filter((r) => r.path === path && r.status < 300);
  expect(ok).toHaveLength(events);
  expect(new Set(ok.map((r) => r.event)).size).toBe(events);
  const last = new Map<number, number>();
  for (const r of ok) {
    expect(r.event).toBeGreaterThan(last.get(r.member) ?? 0);
    last.set(r.member, r.event);
  }
}

async function pendingLeft(): Promise<number> {
  const rows = await opened.db.select({ status: webhookDeliveries.status }).from(webhookDeliveries);
  return rows.filter((r) => r.status === "pending").length;
}

describe("the sender's walk over the pending deliveries", () => {
  it("sends a backlog of several claim windows whole: every event once, each member's in order", async () => {
    const team = await teamWithEndpoint("backlog");
    receipts = [];
    deps.webhookSend = receiving();
    await changed(team, range(1, 1_000));
    await changed(team, range(1, 300));
    await deliverWebhooks(deps);
    expectOncePerEventInOrder("/backlog", 1_300);
    expect(await pendingLeft()).toBe(0);
  });

  it("starts over once the shortest retry delay has passed: a retry due behind it is sent before the rest of the backlog", async () => {
    const team = await teamWithEndpoint("retry");
    receipts = [];
    let failedOnce = false;
    // Each request takes 100 ms of the clock: the backlog takes far longer than the 5 s retry delay.
    deps.webhookSend = receiving((r) => {
      if (r.member !== 2_001 || failedOnce) return 200;
      failedOnce = true;
      return 500;
    }, 100);
    await changed(team, range(2_001, 3_000));
    await changed(team, [2_001]);
    await deliverWebhooks(deps);

    expectOncePerEventInOrder("/retry", 1_001);
    const aboutFirst = receipts.filter((r) => r.member === 2_001);
    expect(aboutFirst.map((r) => r.status)).toEqual([500, 200, 200]);
    const retried = receipts.indexOf(aboutFirst[1]!);
    // Sent again about 5 s (50 requests of 100 ms) after it failed, plus what was claimed with it.
    expect(retried).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[0]! / 100);
    expect(retried).toBeLessThan(150);
    expect(await pendingLeft()).toBe(0);
  });

  it("two senders at once claim what the other has not: every event once, each member's in order", async () => {
    const team = await teamWithEndpoint("two");
    receipts = [];
    deps.webhookSend = receiving();
    const other = testDeps(opened.db, { env: { WEBHOOK_ALLOW_PRIVATE: "true" }, clock: deps.clock });
    other.webhookSend = deps.webhookSend;
    await changed(team, range(4_001, 4_800));
    await changed(team, range(4_001, 4_400));
    const [a, b] = await Promise.all([deliverWebhooks(deps), deliverWebhooks(other)]);
    expect(a.delivered + b.delivered).toBe(1_200);
    expectOncePerEventInOrder("/two", 1_200);
    expect(await pendingLeft()).toBe(0);
  });

  it("a sender killed holding its claims: another's walk claims them again once the lease lapses, each member's events still in order", async () => {
    const team = await teamWithEndpoint("killed");
    receipts = [];
    deps.webhookSend = receiving();
    await changed(team, range(5_001, 5_700));
    await changed(team, range(5_001, 5_700));
    await fanOutWebhooks(deps);
    const now = deps.clock.now();
    // This sender claims the first window's first rows and dies before sending any.
    const { due, walkedTo } = await claimDueDeliveries(opened.db, {
      now,
      leaseUntil: new Date(now.getTime() + 60_000),
      limit: 16,
      after: 0,
    });
    expect(due).toHaveLength(16);
    expect(walkedTo).toBe(due.at(-1)!.id);
    const held = new Set(due.map((d) => d.id));

    await deliverWebhooks(deps);
    const heldMembers = new Set(range(5_001, 5_016));
    expect(receipts.filter((r) => heldMembers.has(r.member))).toEqual([]);
    expect(receipts).toHaveLength(1_400 - 32);

    deps.clock.advance(60_001);
    await deliverWebhooks(deps);
    expectOncePerEventInOrder("/killed", 1_400);
    expect(receipts.slice(-32).every((r) => heldMembers.has(r.member))).toBe(true);
    const log = await opened.db.select({ id: webhookDeliveries.id, attempts: webhookDeliveries.attempts }).from(webhookDeliveries);
    expect(log.filter((d) => held.has(d.id)).map((d) => d.attempts)).toEqual(Array<number>(16).fill(2));
    expect(await pendingLeft()).toBe(0);
  });

  it("a claim looks only past the walk's position, and says when nothing is pending past it", async () => {
    const team = await teamWithEndpoint("position");
    await changed(team, range(6_001, 6_040));
    await fanOutWebhooks(deps);
    const now = deps.clock.now();
    const claim = (after: number) => claimDueDeliveries(opened.db, { now, leaseUntil: new Date(now.getTime() + 60_000), limit: 16, after });
    const first = await claim(0);
    expect(first.due).toHaveLength(16);
    const rest = await claim(first.walkedTo!);
    expect(rest.due).toHaveLength(16);
    expect(rest.due[0]!.id).toBeGreaterThan(first.due.at(-1)!.id);
    const last = await claim(rest.walkedTo!);
    expect(last.due).toHaveLength(8);
    // Fewer than asked: the walk covered the whole window past the last pending delivery.
    expect(last.walkedTo).toBeGreaterThanOrEqual(last.due.at(-1)!.id);
    expect(await claim(last.walkedTo!)).toEqual({ due: [], walkedTo: null });
    // From the start: the 40 are leased, nothing else is due.
    expect((await claim(0)).due).toEqual([]);
    receipts = [];
    deps.webhookSend = receiving();
    deps.clock.advance(60_001);
    await deliverWebhooks(deps);
    expectOncePerEventInOrder("/position", 40);
  });
});

describe("the outbox", () => {
  const batchesOf = (teamId: number) => opened.db.select().from(webhookBatches).where(eq(webhookBatches.teamId, teamId));
  const eventsOf = (teamId: number) =>
    opened.db.select({ id: webhookEvents.id }).from(webhookEvents).where(eq(webhookEvents.teamId, teamId));

  it("an audited statement writes one batch holding its events in order, and no event or delivery until a sender fans it out", async () => {
    const team = await teamWithEndpoint("batch");
    await changed(team, range(7_001, 7_300));
    const [batch, ...more] = await batchesOf(team);
    expect(more).toEqual([]);
    const audited = await opened.db
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(and(eq(auditLog.teamId, team), eq(auditLog.action, "member.updated")))
      .orderBy(auditLog.id);
    expect(batch!.auditIds).toEqual(audited.map((a) => a.id));
    expect(batch!.snapshots![String(audited[0]!.id)]).toEqual({ memberId: 7_001 });
    expect(await eventsOf(team)).toEqual([]);

    expect(await fanOutWebhooks(deps)).toBe(1);
    expect(await batchesOf(team)).toEqual([]);
    expect(await eventsOf(team)).toHaveLength(300);
    expect(await pendingLeft()).toBe(300);
    receipts = [];
    deps.webhookSend = receiving();
    await deliverWebhooks(deps);
    expectOncePerEventInOrder("/batch", 300);
  });

  it("an event reports the member as its change left it, not as it is when fanned out", async () => {
    const team = await teamWithEndpoint("snapshot");
    const now = deps.clock.now();
    const [member] = await opened.db
      .insert(members)
      .values({ teamId: team, wecomUserId: "Snap", wecomUserKey: "snap", name: "Before", createdAt: now, updatedAt: now })
      .returning({ id: members.id });
    const rename = (name: string) =>
      opened.db.transaction(async (tx: Db) => {
        await tx.update(members).set({ name }).where(eq(members.id, member!.id));
        await changed(team, [member!.id], tx);
      });
    await rename("First");
    await rename("Second");
    await opened.db.update(members).set({ name: "Third" }).where(eq(members.id, member!.id));
    const bodies: { data: Record<string, unknown> }[] = [];
    deps.webhookSend = (x) => {
      if (x.url.endsWith("/snapshot")) bodies.push(JSON.parse(x.body!) as { data: Record<string, unknown> });
      return Promise.resolve({ status: 200, text: "ok" });
    };
    await deliverWebhooks(deps);
    expect(bodies.map((b) => b.data)).toEqual(
      ["First", "Second"].map((name) => ({
        memberId: member!.id,
        wecomUserId: "Snap",
        name,
        status: "imported",
        departmentIds: [],
        mainDepartmentId: null,
        jobId: null,
      })),
    );
  });

  it("a change rolled back leaves no batch: nothing is sent", async () => {
    const team = await teamWithEndpoint("rollback");
    await expect(
      opened.db.transaction(async (tx: Db) => {
        await changed(team, range(8_001, 8_010), tx);
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await batchesOf(team)).toEqual([]);
    receipts = [];
    deps.webhookSend = receiving();
    await deliverWebhooks(deps);
    expect(receipts.filter((r) => r.path === "/rollback")).toEqual([]);
  });

  it("a sender killed while fanning out leaves the batches whole: the next sends every event once, each member's in order", async () => {
    const team = await teamWithEndpoint("fanout-killed");
    await changed(team, range(9_001, 9_200));
    await changed(team, range(9_001, 9_100));
    await expect(
      opened.db.transaction(async (tx: Db) => {
        expect(await fanOutBatches(tx, { limit: 8 })).toBe(2);
        throw new Error("killed before the commit");
      }),
    ).rejects.toThrow("killed before the commit");
    expect(await batchesOf(team)).toHaveLength(2);
    expect(await eventsOf(team)).toEqual([]);

    receipts = [];
    deps.webhookSend = receiving();
    await deliverWebhooks(deps);
    expectOncePerEventInOrder("/fanout-killed", 300);
    expect(await batchesOf(team)).toEqual([]);
  });
});
