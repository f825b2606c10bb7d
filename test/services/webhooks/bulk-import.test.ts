import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookDeliveries, webhookEvents } from "../../../src/db/schema";
import { nodeHttpSend } from "../../../src/entry/node-http-send";
import { deliverWebhooks, RETRY_DELAYS_MS } from "../../../src/services/webhooks/deliver";
import { apiClient, boundTeam } from "../../helpers/api";
import { FakeClock, TEST_CORP_ID, testDeps, type TestDeps } from "../../helpers/deps";
import { control } from "../../helpers/emulator";
import { emulatorOrg, syncNow } from "../../helpers/sync";
import { teamIdOf } from "../../helpers/sync-scenarios";
import { openTestDb } from "../../helpers/test-db";
import { webhookReceiver, type Received } from "../../helpers/webhook-receiver";

// An import of 10,000 members to one endpoint, counted at an independent receiver: every event
// arrives once, and the events about one member in the order they happened even when the first
// of them had to be retried (docs/webhooks.md#delivery).
const USERS = 10_000;
/** Answered 503 at first: the first deliveries, department and member events among them. */
const REFUSED = 60;
/** Members changed after the import, before anything was retried. */
const CHANGED = 40;
/** Seconds on their own; more beside the rest of the suite on two cores. */
const SLOW = 180_000;

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
/** Sent as the Node entry sends them (src/entry/node.ts). */
const http = nodeHttpSend();

beforeAll(async () => {
  opened = await openTestDb();
  // The receiver checks webhook-timestamp against its own clock (5 minutes' tolerance): start from now.
  // A generous timeout: on a loaded machine a batch answered late must not become a retry (a second sending).
  deps = testDeps(opened.db, {
    env: { WEBHOOK_ALLOW_PRIVATE: "true" },
    clock: new FakeClock(Date.now()),
    config: { webhookTimeoutMs: 120_000 },
  });
  deps.webhookSend = http.send;
  receiver = await webhookReceiver();
  await control(deps, "POST", "/_emulator/reset", { corpId: TEST_CORP_ID, org: { generate: { departments: 20, users: USERS, seed: 7 } } });
  await boundTeam(deps, "bulk");
}, SLOW);
afterAll(async () => {
  http.close();
  await receiver.close();
  await opened.close();
});

async function pendingDeliveries(): Promise<number> {
  const [row] = await opened.db.select({ n: count() }).from(webhookDeliveries).where(eq(webhookDeliveries.status, "pending"));
  return Number(row?.n ?? 0);
}

/** Sends until the outbox has nothing pending; each round is one call of the delivery verb. */
async function deliverAll(): Promise<void> {
  for (let round = 0; (await pendingDeliveries()) > 0; round++) {
    expect(round).toBeLessThan(10);
    await deliverWebhooks(deps);
  }
}

const ok = (r: Received) => typeof r.answered === "number" && r.answered >= 200 && r.answered < 300;
const userOf = (r: Received) => String(r.event.data.wecomUserId);

describe("an import of 10,000 members to one endpoint", () => {
  it(
    "delivers every event once, verified, in order per member, a retried first event holding back the member's later ones",
    async () => {
      const res = await apiClient(deps).json("POST", "/api/teams/bulk/webhooks", { url: `${receiver.base}/all` });
      expect(res.status).toBe(201);
      const { endpoint } = (await res.json()) as { endpoint: { secret: string } };
      receiver.expect("/all", endpoint.secret, Array<number>(REFUSED).fill(503));

      // The import; the delivery it defers runs as the job ends and leaves the refused ones pending.
      const imported = await syncNow(deps, "bulk");
      expect(imported.state).toBe("succeeded");
      expect(imported.counts.members.created).toBe(USERS);
      const refused = receiver.received.filter((r) => r.answered === 503);
      expect(refused).toHaveLength(REFUSED);
      expect(await pendingDeliveries()).toBe(REFUSED);

      // Members whose member.imported is waiting for its retry change now, and as many whose was
      // delivered: the retried ones' member.updated must wait behind it.
      const waiting = refused.filter((r) => r.event.type === "member.imported").map(userOf);
      expect(waiting.length).toBeGreaterThan(0);
      const waitingSet = new Set(waiting);
      const org = await emulatorOrg(deps);
      const delivered = org.users
        .map((u) => u.userid)
        .filter((u) => !waitingSet.has(u))
        .slice(0, CHANGED);
      const changed = [...waiting, ...delivered];
      for (const userId of changed) await control(deps, "PATCH", `/_emulator/users/${userId}`, { position: `Changed ${userId}` });
      const resync = await syncNow(deps, "bulk");
      expect(resync.state).toBe("succeeded");
      expect(resync.counts.members.updated).toBe(changed.length);
      const early = receiver.received.filter((r) => ok(r) && r.event.type === "member.updated").map(userOf);
      expect(early.filter((u) => waitingSet.has(u))).toEqual([]);
      expect(early.sort()).toEqual([...delivered].sort());

      deps.clock.advance(RETRY_DELAYS_MS[0]!);
      await deliverAll();

      const all = receiver.at("/all");
      expect(all.every((r) => r.verified)).toBe(true);
      const got = all.filter(ok);
      // Nothing doubled: each webhook-id answered 2xx once.
      expect(new Set(got.map((r) => r.id)).size).toBe(got.length);
      // Nothing lost: the outbox's events, and independently the org's members, each arrived.
      const teamId = await teamIdOf(deps, "bulk");
      const events = await opened.db.select({ eventId: webhookEvents.eventId }).from(webhookEvents).where(eq(webhookEvents.teamId, teamId));
      expect(got.map((r) => r.id).sort()).toEqual(events.map((e) => e.eventId).sort());
      const importedUsers = got.filter((r) => r.event.type === "member.imported").map(userOf);
      expect(importedUsers).toHaveLength(USERS);
      expect(new Set(importedUsers)).toEqual(new Set(org.users.map((u) => u.userid)));
      expect(got.filter((r) => r.event.type === "department.created")).toHaveLength(org.departments.length);
      expect(got.filter((r) => r.event.type === "sync.succeeded").map((r) => r.event.data.jobId)).toEqual([imported.id, resync.id]);
      const [failed] = await opened.db.select({ n: count() }).from(webhookDeliveries).where(eq(webhookDeliveries.status, "failed"));
      expect(Number(failed?.n)).toBe(0);

      // In order per member: each changed member's imported before its updated, the rest imported only.
      const byMember = new Map<string, string[]>();
      for (const r of got)
        if (r.event.type.startsWith("member.")) byMember.set(userOf(r), [...(byMember.get(userOf(r)) ?? []), r.event.type]);
      const changedSet = new Set(changed);
      for (const [userId, types] of byMember)
        expect(types, userId).toEqual(changedSet.has(userId) ? ["member.imported", "member.updated"] : ["member.imported"]);
    },
    SLOW,
  );
});
