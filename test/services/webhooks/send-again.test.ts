import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../../src/db/schema";
import { deliverWebhooks, RETRY_DELAYS_MS } from "../../../src/services/webhooks/deliver";
import { botWorld, clearSent, textsTo, type BotWorld } from "../../bot/helpers";
import { apiClient, boundTeam } from "../../helpers/api";
import { FakeClock } from "../../helpers/deps";
import { syncNow } from "../../helpers/sync";
import { webhookReceiver, type Behaviour } from "../../helpers/webhook-receiver";
import { person } from "../../routes/pages/console/helpers";
import { client } from "../accounts/helpers";

let w: BotWorld;
let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
let api: ReturnType<typeof apiClient>;

interface Delivery {
  id: number;
  eventId: string;
  status: string;
}

beforeAll(async () => {
  // The receiver checks webhook-timestamp against its own clock: start from now.
  w = await botWorld({ deps: { env: { WEBHOOK_ALLOW_PRIVATE: "true" }, clock: new FakeClock(Date.now()) } });
  api = apiClient(w.deps);
  receiver = await webhookReceiver();
});
afterAll(async () => {
  await receiver.close();
  await w.close();
});

async function addEndpoint(path: string, script: Behaviour[] = [], query = ""): Promise<string> {
  const res = await api.json("POST", "/api/teams/acme/webhooks", { url: `${receiver.base}${path}${query}`, events: ["sync.succeeded"] });
  expect(res.status).toBe(201);
  const { endpoint } = (await res.json()) as { endpoint: { id: string; secret: string } };
  receiver.expect(`${path}${query}`, endpoint.secret, script);
  return endpoint.id;
}

const deliveries = async (id: string) =>
  ((await (await api.json("GET", `/api/teams/acme/webhooks/${id}/deliveries`)).json()) as { deliveries: Delivery[] }).deliveries;

describe("send again through the API", () => {
  it("queues a delivered event once more: the receiver gets it again, same webhook-id, verified by standardwebhooks", async () => {
    const id = await addEndpoint("/again");
    expect((await syncNow(w.deps, "acme")).state).toBe("succeeded");
    const [first] = await deliveries(id);
    expect(first).toMatchObject({ status: "delivered" });

    const res = await api.json("POST", `/api/teams/acme/webhooks/${id}/deliveries/${first!.id}/retry`);
    expect(res.status).toBe(202);
    const { delivery } = (await res.json()) as { delivery: { deliveryId: number; eventId: string } };
    expect(delivery.eventId).toBe(first!.eventId);
    // Still pending: a second press is refused rather than doubled.
    const twice = await api.json("POST", `/api/teams/acme/webhooks/${id}/deliveries/${first!.id}/retry`);
    expect(twice.status).toBe(409);

    await w.deps.deferred.flush();
    const got = receiver.at("/again");
    expect(got.map((r) => r.id)).toEqual([first!.eventId, first!.eventId]);
    expect(got.every((r) => r.verified)).toBe(true);
    expect((await deliveries(id)).map((d) => d.status)).toEqual(["delivered", "delivered"]);
    const [audit] = await w.deps.db.select().from(auditLog).where(eq(auditLog.action, "webhook.resent"));
    expect(audit).toMatchObject({ actor: "operator", subjectType: "webhook", subjectId: id });
  });

  it("answers 404 for a delivery of another endpoint or none at all", async () => {
    const a = await addEndpoint("/a");
    const b = await addEndpoint("/b");
    expect((await syncNow(w.deps, "acme")).state).toBe("succeeded");
    const [ofA] = await deliveries(a);
    for (const path of [
      `/api/teams/acme/webhooks/${b}/deliveries/${ofA!.id}/retry`,
      `/api/teams/acme/webhooks/${b}/deliveries/abc/retry`,
      `/api/teams/acme/webhooks/ep_none/deliveries/${ofA!.id}/retry`,
    ]) {
      const res = await api.json("POST", path);
      expect(res.status, path).toBe(404);
    }
  });

  it("refuses another team's admin (403) and a caller without token or session (401)", async () => {
    const id = await addEndpoint("/guarded");
    expect((await syncNow(w.deps, "acme")).state).toBe("succeeded");
    const [d] = await deliveries(id);
    const browser = client(w.deps);
    await boundTeam(w.deps, "other");
    const stranger = await person(browser, w.deps.db, "other", "otheradmin", { role: "admin" });
    const path = `/api/teams/acme/webhooks/${id}/deliveries/${d!.id}/retry`;
    expect((await browser.asBrowser(stranger.jar, "POST", path)).status).toBe(403);
    expect((await api.json("POST", path, undefined, {})).status).toBe(401);
    expect((await deliveries(id)).length).toBe(1);
  });
});

describe("an endpoint failing for a day", () => {
  it("is disabled, its team's WeCom admins are told in chat, and enabling it again resumes delivery", async () => {
    const id = await addEndpoint("/down", Array<Behaviour>(RETRY_DELAYS_MS.length + 1).fill(503), "?token=receiver-secret");
    await clearSent(w.deps);
    expect((await syncNow(w.deps, "acme")).state).toBe("succeeded");
    for (const wait of RETRY_DELAYS_MS) {
      w.deps.clock.advance(wait);
      await deliverWebhooks(w.deps);
    }
    const [listed] = (
      (await (await api.json("GET", "/api/teams/acme/webhooks")).json()) as { endpoints: { id: string; disabledAt: string | null }[] }
    ).endpoints.filter((e) => e.id === id);
    expect(listed!.disabledAt).not.toBeNull();

    const texts = await textsTo(w.deps, w.users[0]!);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain(`Webhook ${receiver.base}/down 已连续失败 24 小时，已停用`);
    expect(texts[0]).toContain(`https://roster.example.com/teams/acme/webhooks/${id}`);
    expect(texts[0]).toContain("failed for 24 hours and is disabled");
    expect(texts[0]).not.toContain("receiver-secret");

    // Nothing more while disabled; enabled again, the pending retry and new events go out.
    const attempts = receiver.at("/down?token=receiver-secret").length;
    const enabled = await api.json("POST", `/api/teams/acme/webhooks/${id}/enable`);
    expect(enabled.status).toBe(200);
    expect(await enabled.json()).toMatchObject({ endpoint: { id, disabledAt: null, failingSince: null } });
    expect((await syncNow(w.deps, "acme")).state).toBe("succeeded");
    w.deps.clock.advance(RETRY_DELAYS_MS.at(-1)!);
    await deliverWebhooks(w.deps);
    const after = receiver.at("/down?token=receiver-secret");
    expect(after.length).toBeGreaterThan(attempts);
    expect(after.at(-1)!.answered).toBe(200);
    expect((await deliveries(id)).some((d) => d.status === "delivered")).toBe(true);
    const [audit] = await w.deps.db.select().from(auditLog).where(eq(auditLog.action, "webhook.enabled"));
    expect(audit).toMatchObject({ actor: "operator", subjectId: id });
  });
});
