import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeHttpSend } from "../../../src/entry/node-http-send";
import { deliverWebhooks } from "../../../src/services/webhooks/deliver";
import { apiClient, boundTeam } from "../../helpers/api";
import { fakeDns, FakeClock, testDeps, type TestDeps } from "../../helpers/deps";
import { syncNow } from "../../helpers/sync";
import { openTestDb } from "../../helpers/test-db";
import { webhookReceiver } from "../../helpers/webhook-receiver";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
let deps: TestDeps;
const http = nodeHttpSend();
const dns = fakeDns({ "hooks.example.com": ["203.0.113.10", "2001:db8::10"] });

beforeAll(async () => {
  opened = await openTestDb();
  receiver = await webhookReceiver();
  // The network, through Node's sender: every public name reaches the local receiver, which verifies the signatures.
  deps = testDeps(opened.db, { resolveHost: dns, clock: new FakeClock(Date.now()) });
  deps.webhookSend = (x) => http.send({ ...x, url: `${receiver.base}${new URL(x.url).pathname}` });
  await boundTeam(deps, "hooks");
});
afterAll(async () => {
  http.close();
  await receiver.close();
  await opened.close();
});

const add = (url: string, d: TestDeps = deps) =>
  apiClient(d).json("POST", "/api/teams/hooks/webhooks", { url, events: ["sync.succeeded"] });

describe("hostnames are judged by the addresses they resolve to", () => {
  it.each([
    ["a private IPv4 address", ["10.0.0.5"]],
    ["loopback among public ones", ["203.0.113.10", "127.0.0.1"]],
    ["IPv6 loopback written out", ["0:0:0:0:0:0:0:1"]],
    ["an IPv4-mapped loopback", ["::FFFF:7F00:1"]],
    ["link-local IPv6", ["FE80::1"]],
    ["cloud metadata", ["169.254.169.254"]],
  ])("refuses a name resolving to %s, as a literal private address is", async (_case, addresses) => {
    dns.set("sneaky.example.com", addresses);
    const res = await add("https://sneaky.example.com/hook");
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; fields: { field: string; message: string }[] } };
    expect(body.error).toMatchObject({ code: "validation_failed", fields: [{ field: "url" }] });
    expect(body.error.fields[0]!.message).toContain("private addresses are refused");
  });

  it("refuses localhost written fully qualified (a trailing dot) without asking DNS", async () => {
    const asked = dns.asked.length;
    expect((await add("http://localhost./hook")).status).toBe(422);
    expect(dns.asked).toHaveLength(asked);
  });

  it("refuses a name that does not resolve", async () => {
    const res = await add("https://nowhere.example.com/hook");
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toContain("does not resolve");
  });

  it("accepts a public name and a literal public address, the latter without asking DNS", async () => {
    expect((await add("https://hooks.example.com/public")).status).toBe(201);
    const asked = dns.asked.length;
    expect((await add("https://203.0.113.7/literal")).status).toBe(201);
    expect(dns.asked).toHaveLength(asked);
  });

  it("with WEBHOOK_ALLOW_PRIVATE=true takes a name resolving to a private address and asks no DNS", async () => {
    const open = testDeps(opened.db, { env: { WEBHOOK_ALLOW_PRIVATE: "true" }, resolveHost: dns });
    dns.set("intranet.example.com", ["192.168.1.20"]);
    const asked = dns.asked.length;
    expect((await add("https://intranet.example.com/hook", open)).status).toBe(201);
    expect(dns.asked).toHaveLength(asked);
  });

  it("asks again before each delivery: a name repointed at loopback (DNS rebinding) gets nothing until it is public again", async () => {
    dns.set("rebind.example.com", ["203.0.113.20"]);
    const res = await add("https://rebind.example.com/rebind");
    const { endpoint } = (await res.json()) as { endpoint: { id: string; secret: string } };
    receiver.expect("/rebind", endpoint.secret);
    expect((await syncNow(deps, "hooks")).state).toBe("succeeded");
    await deliverWebhooks(deps);
    expect(receiver.at("/rebind")).toHaveLength(1);

    dns.set("rebind.example.com", ["127.0.0.1"]);
    expect((await syncNow(deps, "hooks")).state).toBe("succeeded");
    await deliverWebhooks(deps);
    expect(receiver.at("/rebind")).toHaveLength(1);
    const log = (await (await apiClient(deps).json("GET", `/api/teams/hooks/webhooks/${endpoint.id}/deliveries`)).json()) as {
      deliveries: { status: string; lastError: string | null; lastStatus: number | null }[];
    };
    expect(log.deliveries[0]).toMatchObject({ status: "pending", lastStatus: null });
    expect(log.deliveries[0]!.lastError).toContain("resolves to a private address: rebind.example.com → 127.0.0.1");

    dns.set("rebind.example.com", ["203.0.113.20"]);
    deps.clock.advance(5_000);
    await deliverWebhooks(deps);
    const got = receiver.at("/rebind");
    expect(got).toHaveLength(2);
    expect(got.every((r) => r.verified)).toBe(true);
  });
});
