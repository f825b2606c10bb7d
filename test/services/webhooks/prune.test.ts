import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookDeliveries, webhookEvents } from "../../../src/db/schema";
import { schedule } from "../../../src/jobs/schedule";
import { deliverWebhooks } from "../../../src/services/webhooks/deliver";
import { DELIVERY_LOG_DAYS } from "../../../src/services/webhooks/prune";
import { apiClient } from "../../helpers/api";
import { FakeClock, testDeps, type TestDeps } from "../../helpers/deps";
import { openTestDb } from "../../helpers/test-db";
import { auditedChanges, teamWithEndpoint } from "../../helpers/webhook-outbox";

// The delivery log's retention (docs/webhooks.md#retention), run as the hourly housekeeping runs it.

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
const DAY = 24 * 3_600_000;

beforeAll(async () => {
  opened = await openTestDb();
  deps = testDeps(opened.db, { env: { WEBHOOK_ALLOW_PRIVATE: "true" }, clock: new FakeClock() });
  // Member 3's receiver is down for good; every other event is answered 200.
  deps.webhookSend = (x) => {
    const { data } = JSON.parse(x.body!) as { data: { memberId: number } };
    return Promise.resolve({ status: data.memberId === 3 ? 503 : 200, text: "ok" });
  };
});
afterAll(async () => opened.close());

const housekeeping = () => schedule.find((w) => w.name === "housekeeping")!.run(deps);

/** The endpoint's deliveries as `member:status`, and the team's events by subject. */
async function logOf(teamId: number, endpointId: string): Promise<{ deliveries: string[]; events: string[] }> {
  const deliveries = await opened.db
    .select({ subject: webhookDeliveries.subject, status: webhookDeliveries.status })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.endpointId, endpointId))
    .orderBy(webhookDeliveries.id);
  const events = await opened.db
    .select({ subject: webhookEvents.subject })
    .from(webhookEvents)
    .where(eq(webhookEvents.teamId, teamId))
    .orderBy(webhookEvents.id);
  return { deliveries: deliveries.map((d) => `${d.subject}:${d.status}`), events: events.map((e) => e.subject) };
}

describe("the delivery log's retention", () => {
  it(`drops finished deliveries and unreferenced events older than ${DELIVERY_LOG_DAYS} days, keeps pending ones, recent ones and events sent again`, async () => {
    const { teamId, endpointId } = await teamWithEndpoint(deps, "retention");
    await auditedChanges(deps, teamId, [1, 2, 3, 4]);
    await deliverWebhooks(deps);
    // Member 4's delivery ran out of retries long ago.
    await opened.db.update(webhookDeliveries).set({ status: "failed" }).where(eq(webhookDeliveries.subject, "member:4"));
    expect(await logOf(teamId, endpointId)).toEqual({
      deliveries: ["member:1:delivered", "member:2:delivered", "member:3:pending", "member:4:failed"],
      events: ["member:1", "member:2", "member:3", "member:4"],
    });

    deps.clock.advance((DELIVERY_LOG_DAYS + 1) * DAY);
    await auditedChanges(deps, teamId, [5]);
    await deliverWebhooks(deps);
    // Member 1's old delivery sent again: a recent delivery of the old event.
    const [first] = await opened.db
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.subject, "member:1"));
    const resent = await apiClient(deps).json("POST", `/api/teams/retention/webhooks/${endpointId}/deliveries/${first!.id}/retry`);
    expect(resent.status).toBe(202);
    await deps.deferred.flush();

    await housekeeping();
    const kept = {
      deliveries: ["member:3:pending", "member:5:delivered", "member:1:delivered"],
      events: ["member:1", "member:3", "member:5"],
    };
    expect(await logOf(teamId, endpointId)).toEqual(kept);
    const res = await apiClient(deps).json("GET", `/api/teams/retention/webhooks/${endpointId}/deliveries`);
    expect(((await res.json()) as { deliveries: unknown[] }).deliveries).toHaveLength(3);
    expect(deps.logger.lines.filter((l) => l.msg === "webhook delivery log pruned").map((l) => l.fields)).toEqual([
      { deliveries: 3, events: 2 },
    ]);

    // Nothing more to prune: a second run changes nothing.
    await housekeeping();
    expect(await logOf(teamId, endpointId)).toEqual(kept);
  });
});
