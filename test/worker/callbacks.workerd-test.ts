import { beforeAll, describe, expect, it } from "vitest";
import { changeContactXml, sealEchostr, sealMessage, textMessageXml, toQueryString } from "../helpers/wecom-envelope";
import { WORKER_BINDING as B } from "./env";
import { api, bindTeam, call, emulator } from "./worker-client";

const now = () => String(Math.floor(Date.now() / 1000));
const nonce = () => String(Math.floor(Math.random() * 1e9));

async function postCallback(slug: string, plaintext: string): Promise<Awaited<ReturnType<typeof call>>> {
  const sealed = await sealMessage({
    token: B.token,
    encodingAesKey: B.encodingAesKey,
    receiveId: B.corpId,
    plaintext,
    timestamp: now(),
    nonce: nonce(),
  });
  return call(`/wecom/${slug}/callback?${toQueryString(sealed.query)}`, {
    method: "POST",
    headers: { "content-type": "text/xml" },
    body: sealed.body,
  });
}

beforeAll(async () => {
  await bindTeam("cb");
});

describe("WeCom callbacks through the Worker", () => {
  it("URL verification: answers the decrypted echostr of a signed GET", async () => {
    const { query } = await sealEchostr({
      token: B.token,
      encodingAesKey: B.encodingAesKey,
      receiveId: B.corpId,
      plaintext: "8123456789012345678",
      timestamp: now(),
      nonce: nonce(),
    });
    const res = await call(`/wecom/cb/callback?${toQueryString(query)}`);
    expect(res.status).toBe(200);
    expect(res.text).toBe("8123456789012345678");
  });

  it("URL verification: refuses a wrong signature and an unknown team", async () => {
    const { query } = await sealEchostr({
      token: B.token,
      encodingAesKey: B.encodingAesKey,
      receiveId: B.corpId,
      plaintext: "1",
      timestamp: now(),
      nonce: nonce(),
    });
    const forged = await call(`/wecom/cb/callback?${toQueryString({ ...query, msg_signature: "0".repeat(40) })}`);
    expect(forged.status).toBe(401);
    expect(forged.json()).toMatchObject({ error: { code: "bad_signature" } });
    // An unknown team answers as a wrong signature does: the endpoint does not tell which teams exist.
    const unknown = await call(`/wecom/nobody/callback?${toQueryString(query)}`);
    expect(unknown.status).toBe(401);
    expect(unknown.json()).toMatchObject({ error: { code: "bad_signature" } });
  });

  it("a signed message is stored and answered with an empty 200; a replay stays one row", async () => {
    const xml = textMessageXml({
      toUserName: B.corpId,
      fromUserName: "ZhangSan",
      content: "你好",
      msgId: "7000000000000000123",
      createTime: now(),
      agentId: String(B.agentId),
    });
    const first = await postCallback("cb", xml);
    expect(first.status).toBe(200);
    expect(first.text).toBe("");
    expect((await postCallback("cb", xml)).status).toBe(200);
    const stats = await api("GET", "/api/teams/cb/callbacks/stats");
    expect(stats.json()).toMatchObject({ received: 1 });
  });

  it("a contact change before the first import waits for it, and the import's end applies it", async () => {
    await emulator("POST", "/users", { userid: "WorkerNew1", name: "新同事", department: [1] });
    const res = await postCallback(
      "cb",
      changeContactXml({ toUserName: B.corpId, changeType: "create_user", userId: "WorkerNew1", createTime: now() }),
    );
    expect(res.status).toBe(200);
    expect((await api("GET", "/api/teams/cb/members?q=WorkerNew1")).json<{ items: unknown[] }>().items).toEqual([]);
    expect((await api("GET", "/api/teams/cb/callbacks/stats")).json()).toMatchObject({ received: 2, processed: 1, pending: 1, dead: 0 });

    const started = await api("POST", "/api/teams/cb/sync");
    expect(started.status).toBe(202);
    const { job } = started.json<{ job: { id: number } }>();
    expect((await api("GET", `/api/teams/cb/jobs/${job.id}`)).json()).toMatchObject({ state: "succeeded" });
    const members = await api("GET", "/api/teams/cb/members?q=WorkerNew1");
    expect(members.json<{ items: { wecomUserId: string; name: string }[] }>().items).toEqual([
      expect.objectContaining({ wecomUserId: "WorkerNew1", name: "新同事" }),
    ]);
    // Both handled: the earlier chat text too (its sender is not in the org, so the bot's reply
    // reaches nobody — 81013, final, not retried).
    expect((await api("GET", "/api/teams/cb/callbacks/stats")).json()).toMatchObject({ received: 2, processed: 2, pending: 0, dead: 0 });
  });

  it("a contact change after the import: update_user makes the Worker re-read the member and rename them", async () => {
    await emulator("PATCH", "/users/WorkerNew1", { name: "改名同事" });
    const res = await postCallback(
      "cb",
      changeContactXml({ toUserName: B.corpId, changeType: "update_user", userId: "WorkerNew1", createTime: now() }),
    );
    expect(res.status).toBe(200);
    const members = await api("GET", "/api/teams/cb/members?q=WorkerNew1");
    expect(members.json<{ items: { wecomUserId: string; name: string }[] }>().items).toEqual([
      expect.objectContaining({ wecomUserId: "WorkerNew1", name: "改名同事" }),
    ]);
    expect((await api("GET", "/api/teams/cb/callbacks/stats")).json()).toMatchObject({ received: 3, processed: 3, pending: 0, dead: 0 });
  });
});
