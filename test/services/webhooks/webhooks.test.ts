import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { members, webhookEndpoints } from "../../../src/db/schema";
import { claimDueDeliveries } from "../../../src/db/queries/webhooks";
import { nodeHttpSend } from "../../../src/entry/node-http-send";
import { runJob } from "../../../src/services/directory/run-job";
import { deliverWebhooks, fanOutWebhooks, RETRY_DELAYS_MS } from "../../../src/services/webhooks/deliver";
import { apiClient, boundTeam } from "../../helpers/api";
import { FakeClock, testDeps, type TestDeps } from "../../helpers/deps";
import { control } from "../../helpers/emulator";
import { syncNow } from "../../helpers/sync";
import { teamIdOf } from "../../helpers/sync-scenarios";
import { openTestDb } from "../../helpers/test-db";
import { REDIRECTED, webhookReceiver } from "../../helpers/webhook-receiver";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
let api: ReturnType<typeof apiClient>;
let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
/** Node's sender (src/entry/node.ts); without Deps.webhookSend deliveries go through the global fetch. */
const nodeHttp = nodeHttpSend();
const SENDERS = [
  ["fetch", undefined],
  ["node:http", nodeHttp.send],
] as const;

interface Created {
  endpoint: { id: string; url: string; events: string[] | null; secret: string };
}

beforeAll(async () => {
  opened = await openTestDb();
  // The receiver checks webhook-timestamp against its own clock (5 minutes' tolerance). The tests
  // before the last wait out retries of about 6.5 minutes in all: start 2.5 minutes behind now.
  deps = testDeps(opened.db, {
    env: { WEBHOOK_ALLOW_PRIVATE: "true" },
    clock: new FakeClock(Date.now() - 150_000),
    config: { webhookTimeoutMs: 5_000 },
  });
  api = apiClient(deps);
  receiver = await webhookReceiver();
  await boundTeam(deps, "hooks");
});
afterAll(async () => {
  nodeHttp.close();
  await receiver.close();
  await opened.close();
});

async function addEndpoint(
  path: string,
  events?: string[],
  script: Parameters<typeof receiver.expect>[2] = [],
): Promise<Created["endpoint"]> {
  const res = await api.json("POST", "/api/teams/hooks/webhooks", { url: `${receiver.base}${path}`, ...(events ? { events } : {}) });
  expect(res.status).toBe(201);
  const { endpoint } = (await res.json()) as Created;
  receiver.expect(path, endpoint.secret, script);
  return endpoint;
}

describe("webhook endpoints API", () => {
  it.each([
    ["ftp://example.com/hook", "url"],
    ["not a url", "url"],
    ["https://user:pw@example.com/hook", "url"],
  ])("refuses %s with 422 naming the field", async (url, field) => {
    const res = await api.json("POST", "/api/teams/hooks/webhooks", { url });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: "validation_failed", fields: [{ field }] } });
  });

  it("refuses unknown event types", async () => {
    const res = await api.json("POST", "/api/teams/hooks/webhooks", { url: "https://example.com/hook", events: ["member.exploded"] });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { fields: [{ field: "events" }] } });
  });

  it.each([
    "http://127.0.0.1:9/hook",
    "http://localhost/hook",
    "http://10.1.2.3/hook",
    "http://169.254.169.254/latest",
    "http://[::1]/hook",
    "http://192.168.0.10/",
    "http://2130706433/",
    "http://[::ffff:127.0.0.1]/",
  ])("refuses the private address %s unless WEBHOOK_ALLOW_PRIVATE=true", async (url) => {
    const strict = apiClient(testDeps(opened.db));
    const res = await strict.json("POST", "/api/teams/hooks/webhooks", { url });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { fields: [{ field: "url" }] } });
  });

  it("creates an endpoint answering its whsec_ secret once, stores it sealed, lists and deletes it", async () => {
    const res = await api.json("POST", "/api/teams/hooks/webhooks", { url: "https://example.com/hook", events: ["member.joined"] });
    expect(res.status).toBe(201);
    const { endpoint } = (await res.json()) as Created;
    expect(endpoint).toMatchObject({ url: "https://example.com/hook", events: ["member.joined"] });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const [row] = await opened.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(row!.secretSealed).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(endpoint.secret.slice(6));

    const listed = await (await api.json("GET", "/api/teams/hooks/webhooks")).text();
    expect(listed).toContain(endpoint.id);
    expect(listed).not.toContain(endpoint.secret.slice(6));

    expect((await api.json("DELETE", `/api/teams/hooks/webhooks/${endpoint.id}`)).status).toBe(204);
    expect((await api.json("GET", `/api/teams/hooks/webhooks/${endpoint.id}/deliveries`)).status).toBe(404);
    expect((await api.json("DELETE", `/api/teams/hooks/webhooks/${endpoint.id}`)).status).toBe(404);
  });

  it("answers 401 without a token or session", async () => {
    const res = await api.json("GET", "/api/teams/hooks/webhooks", undefined, {});
    expect(res.status).toBe(401);
  });
});

describe("delivery", () => {
  it("an import sends every member.imported, department.created and sync.succeeded, signed per Standard Webhooks, each once, in order per member", async () => {
    await addEndpoint("/all");
    await addEndpoint("/jobs-only", ["sync.succeeded"]);
    const job = await syncNow(deps, "hooks");
    expect(job.state).toBe("succeeded");
    await deliverWebhooks(deps);

    const all = receiver.at("/all");

    expect(all.every((r) => r.verified)).toBe(true);
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
    const teamId = await teamIdOf(deps, "hooks");
    const mirrored = await opened.db.select().from(members).where(eq(members.teamId, teamId));
    const imported = all.filter((r) => r.event.type === "member.imported");
    expect(imported.map((r) => r.event.data.wecomUserId).sort()).toEqual(mirrored.map((m) => m.wecomUserId).sort());
    expect(all.filter((r) => r.event.type === "department.created").length).toBeGreaterThan(0);
    expect(all.filter((r) => r.event.type === "sync.succeeded").map((r) => r.event.data.jobId)).toEqual([job.id]);

    const jobsOnly = receiver.at("/jobs-only");
    expect(jobsOnly.map((r) => r.event.type)).toEqual(["sync.succeeded"]);
    expect(jobsOnly[0]!.verified).toBe(true);
  });

  /** Sends through `send` (or the global fetch) for the rest of the test. */
  function sendingThrough(send: (typeof SENDERS)[number][1]): void {
    if (send) deps.webhookSend = send;
    else delete deps.webhookSend;
    onTestFinished(() => void delete deps.webhookSend);
  }

  /** What the log says of each failed attempt of an endpoint's deliveries. */
  const failedAttempts = (endpointId: string) =>
    deps.logger.lines.filter((l) => l.msg === "webhook attempt failed" && l.fields?.endpointId === endpointId).map((l) => l.fields);

  it.each(SENDERS.map(([name, send], i) => [name, send, i] as const))(
    "a receiver answering 500, timing out and closing the socket gets the event again, then delivered once; the log shows it (%s)",
    async (name, send, i) => {
      sendingThrough(send);
      const path = `/flaky-${name}`;
      const endpoint = await addEndpoint(path, ["member.updated"], [500, "hang", "close"]);
      const org = (await control(deps, "GET", "/_emulator/org")) as { users: { userid: string }[] };
      // A member of each sender's own, from the end of the list (the crash test below takes users[1]).
      const userId = org.users.at(-1 - i)!.userid;
      await control(deps, "PATCH", `/_emulator/users/${userId}`, { position: "Webhook tester" });
      expect((await syncNow(deps, "hooks")).state).toBe("succeeded");
      await deliverWebhooks(deps);
      for (const wait of RETRY_DELAYS_MS.slice(0, 3)) {
        deps.clock.advance(wait);
        await deliverWebhooks(deps);
      }

      const flaky = receiver.at(path);
      expect(flaky.map((r) => r.answered)).toEqual([500, "hang", "close", 200]);
      expect(new Set(flaky.map((r) => r.id)).size).toBe(1);
      expect(flaky.every((r) => r.verified)).toBe(true);
      expect(flaky[0]!.event).toMatchObject({ type: "member.updated", data: { wecomUserId: userId } });
      expect(failedAttempts(endpoint.id)).toEqual([
        expect.objectContaining({ attempt: 1, status: 500, error: null }),
        expect.objectContaining({ attempt: 2, status: null, error: "HttpTrouble: timeout" }),
        expect.objectContaining({ attempt: 3, status: null, error: "HttpTrouble: network error" }),
      ]);

      const res = await api.json("GET", `/api/teams/hooks/webhooks/${endpoint.id}/deliveries`);
      const { deliveries } = (await res.json()) as {
        deliveries: {
          eventId: string;
          status: string;
          attempts: number;
          lastStatus: number;
          lastResponse: string;
          lastLatencyMs: number;
        }[];
      };
      expect(deliveries).toEqual([
        expect.objectContaining({ eventId: flaky[0]!.id, status: "delivered", attempts: 4, lastStatus: 200, lastResponse: "ok" }),
      ]);
      expect(deliveries[0]!.lastLatencyMs).toBeGreaterThanOrEqual(0);

      // The endpoint taking every event got this member's events in the order they happened.
      const aboutMember = receiver.at("/all").filter((r) => r.event.data.wecomUserId === userId && r.answered === 200);
      expect(aboutMember.map((r) => r.event.type)).toEqual(["member.imported", "member.updated"]);

      // Nothing left to send: another round sends nothing.
      await deliverWebhooks(deps);
      expect(receiver.at(path)).toHaveLength(4);
    },
  );

  it.each(SENDERS)("does not follow a redirect: the 3xx is the answer, a failed attempt (%s)", async (name, send) => {
    sendingThrough(send);
    const path = `/moved-${name}`;
    const endpoint = await addEndpoint(path, ["sync.succeeded"], [302]);
    expect((await syncNow(deps, "hooks")).state).toBe("succeeded");
    await deliverWebhooks(deps);
    const log = async () =>
      ((await (await api.json("GET", `/api/teams/hooks/webhooks/${endpoint.id}/deliveries`)).json()) as { deliveries: unknown[] })
        .deliveries;
    expect(await log()).toEqual([
      expect.objectContaining({ status: "pending", lastStatus: 302, lastResponse: "answer 302", lastError: null }),
    ]);
    expect(receiver.at(REDIRECTED)).toEqual([]);

    deps.clock.advance(RETRY_DELAYS_MS[0]!);
    await deliverWebhooks(deps);
    expect(await log()).toEqual([expect.objectContaining({ status: "delivered", attempts: 2, lastStatus: 200 })]);
    expect(receiver.at(path).map((r) => r.answered)).toEqual([302, 200]);
    expect(receiver.at(REDIRECTED)).toEqual([]);
  });

  it("a sender that dies holding its claims loses nothing: another instance delivers once the lease lapses", async () => {
    await addEndpoint("/restart", ["member.updated"]);
    const org = (await control(deps, "GET", "/_emulator/org")) as { users: { userid: string }[] };
    const userId = org.users[1]!.userid;
    await control(deps, "PATCH", `/_emulator/users/${userId}`, { position: "Survives a crash" });
    // This instance commits the change, claims the deliveries and dies before sending any.
    const started = await api.json("POST", "/api/teams/hooks/sync");
    const { job } = (await started.json()) as { job: { id: number } };
    deps.deferred.queue.length = 0;
    expect((await runJob(deps, job.id))?.state).toBe("succeeded");
    deps.deferred.queue.length = 0;
    await fanOutWebhooks(deps);
    const now = deps.clock.now();
    expect(
      (await claimDueDeliveries(opened.db, { now, leaseUntil: new Date(now.getTime() + 60_000), limit: 100, after: 0 })).due.length,
    ).toBeGreaterThan(0);

    const other = testDeps(opened.db, { env: { WEBHOOK_ALLOW_PRIVATE: "true" }, clock: deps.clock, config: { webhookTimeoutMs: 5_000 } });
    await deliverWebhooks(other);
    expect(receiver.at("/restart")).toHaveLength(0);
    deps.clock.advance(60_001);
    await deliverWebhooks(other);
    const got = receiver.at("/restart");
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ verified: true, event: { type: "member.updated", data: { wecomUserId: userId } } });
  });

  it("an endpoint failing for a day is disabled and sent nothing more", async () => {
    const endpoint = await addEndpoint("/down", ["sync.succeeded"], Array<number>(20).fill(503));
    expect((await syncNow(deps, "hooks")).state).toBe("succeeded");
    await deliverWebhooks(deps);
    for (const wait of RETRY_DELAYS_MS) {
      deps.clock.advance(wait);
      await deliverWebhooks(deps);
    }
    const [row] = await opened.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(row!.disabledAt).not.toBeNull();
    const attempts = receiver.at("/down").length;
    expect(attempts).toBeGreaterThan(1);
    expect(attempts).toBeLessThanOrEqual(RETRY_DELAYS_MS.length + 1);
    expect(deps.logger.lines.some((l) => l.msg === "webhook endpoint disabled after failing for a day")).toBe(true);

    expect((await syncNow(deps, "hooks")).state).toBe("succeeded");
    await deliverWebhooks(deps);
    expect(receiver.at("/down")).toHaveLength(attempts);
  });
});
