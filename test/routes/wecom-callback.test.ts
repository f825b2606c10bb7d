import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { HandlerTable } from "../../src/callbacks/handler-table";
import { eq } from "drizzle-orm";
import { callbackInbox, teams, wecomBindings } from "../../src/db/schema";
import { KEY_REFRESH_COOLDOWN_MS } from "../../src/services/callbacks/callback-keys";
import { sealContext } from "../../src/services/teams/binding-view";
import { apiClient, BINDING, boundTeam, fixtureBinding } from "../helpers/api";
import { inboxRows, postCallback, textXml } from "../helpers/callbacks";
import { testDeps, type TestDeps } from "../helpers/deps";
import { openTestDb } from "../helpers/test-db";
import { encryptRawBlocks, framePlaintext, sealEchostr, signatureOf, toQueryString } from "../helpers/wecom-envelope";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
let api: ReturnType<typeof apiClient>;
const dispatched: string[] = [];
const handlers: HandlerTable = {
  text: (_deps, ctx) => {
    dispatched.push(ctx.message.kind === "text" ? ctx.message.msgId : "?");
    return Promise.resolve("processed");
  },
};

beforeAll(async () => {
  opened = await openTestDb();
  deps = testDeps(opened.db, { handlers });
  api = apiClient(deps);
  await boundTeam(deps, "acme");
});
afterAll(async () => opened.close());
beforeEach(async () => {
  await opened.db.delete(callbackInbox);
  dispatched.length = 0;
  deps.deferred.queue.length = 0;
  deps.logger.lines.length = 0;
});

describe("GET /wecom/:slug/callback (URL verification)", () => {
  it("answers the official Python sample's echostr with its plaintext, even with a literal +", async () => {
    deps.clock.set(1476416373_000);
    const echostr = "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==";
    const query = { msg_signature: "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb", timestamp: "1476416373", nonce: "47744683" };
    const encoded = await api.request(`/wecom/acme/callback?${toQueryString({ ...query, echostr })}`);
    expect(encoded.status).toBe(200);
    expect(await encoded.text()).toBe("1288432023552776189");
    const literal = await api.request(`/wecom/acme/callback?${toQueryString(query)}&echostr=${echostr}`);
    expect(await literal.text()).toBe("1288432023552776189");
  });

  it("answers the PHP sample's percent-encoded echostr for a team bound with its keys", async () => {
    await fixtureBinding(deps, "php-sample", {
      corpId: "wx5823bf96d3bd56c7",
      token: "QDG6eK",
      encodingAesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
    });
    deps.clock.set(1409659589_000);
    const res = await api.request(
      "/wecom/php-sample/callback?msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780" +
        "&echostr=P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D",
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("1616140317555161061");
  });

  it("refuses a wrong signature, a foreign receive id and an unknown team", async () => {
    deps.clock.set(Date.UTC(2026, 10, 25));
    const ts = deps.clock.unixSeconds();
    const good = await sealEchostr({ ...BINDING, receiveId: BINDING.corpId, plaintext: "42", timestamp: ts, nonce: "1" });
    expect(await (await api.request(`/wecom/acme/callback?${toQueryString(good.query)}`)).text()).toBe("42");

    const badSig = await api.request(`/wecom/acme/callback?${toQueryString({ ...good.query, nonce: "2" })}`);
    expect(badSig.status).toBe(401);
    const foreign = await sealEchostr({ ...BINDING, receiveId: "wwOTHER", plaintext: "42", timestamp: ts, nonce: "1" });
    const wrongReceiver = await api.request(`/wecom/acme/callback?${toQueryString(foreign.query)}`);
    expect(wrongReceiver.status).toBe(400);
    expect(await wrongReceiver.json()).toMatchObject({ error: { code: "bad_receive_id" } });
    const unknown = await api.request(`/wecom/nobody/callback?${toQueryString(good.query)}`);
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ error: { code: "bad_signature" } });
  });
});

describe("POST /wecom/:slug/callback", () => {
  it("stores the official PHP sample (pad 30) and answers an empty 200", async () => {
    deps.clock.set(1409659813_000);
    const body =
      "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>";
    const res = await api.request(
      "/wecom/php-sample/callback?msg_signature=477715d11cdb4164915debcba66cb864d751f3e6&timestamp=1409659813&nonce=1372623149",
      { method: "POST", body },
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    const rows = await inboxRows(opened.db);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ dedupeKey: "msg:4561255354251345929", handlerKey: "text", status: "pending" });
    expect(rows[0]!.payload).toContain("<Content><![CDATA[hello]]></Content>");
  });

  it("stores before answering and dispatches after the response", async () => {
    const res = await postCallback(deps, "acme", textXml(deps));
    expect(res.status).toBe(200);
    expect(await inboxRows(opened.db)).toHaveLength(1);
    expect(dispatched).toHaveLength(0);
    await deps.deferred.flush();
    expect(dispatched).toHaveLength(1);
    expect((await inboxRows(opened.db))[0]!.status).toBe("processed");
  });

  it("stores a callback whose size is announced by Content-Length, as Node's server delivers it", async () => {
    const res = await postCallback(deps, "acme", textXml(deps), { contentLength: true });
    expect(res.status).toBe(200);
    expect(await inboxRows(opened.db)).toHaveLength(1);
  });

  it("keeps one row and one dispatch when the same callback arrives 4 times concurrently", async () => {
    const xml = textXml(deps);
    const responses = await Promise.all([1, 2, 3, 4].map(() => postCallback(deps, "acme", xml)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await deps.deferred.flush();
    const rows = await inboxRows(opened.db);
    expect(rows).toHaveLength(1);
    expect(dispatched).toEqual([rows[0]!.dedupeKey.slice("msg:".length)]);
  });

  it("keeps two events of the same second from the same sender apart (content hash, not CreateTime)", async () => {
    const at = deps.clock.unixSeconds();
    const event = (userId: string) =>
      `<xml><ToUserName>${BINDING.corpId}</ToUserName><FromUserName>sys</FromUserName><CreateTime>${at}</CreateTime><MsgType>event</MsgType><Event>change_contact</Event><ChangeType>update_user</ChangeType><UserID>${userId}</UserID></xml>`;
    for (const xml of [event("lisi"), event("wangwu"), event("lisi")]) expect((await postCallback(deps, "acme", xml)).status).toBe(200);
    const rows = await inboxRows(opened.db);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.dedupeKey.startsWith("sha256:"))).toBe(true);
  });

  it("marks messages without a handler ignored, and counts them in the stats", async () => {
    await postCallback(
      deps,
      "acme",
      `<xml><ToUserName>${BINDING.corpId}</ToUserName><FromUserName>ZhangSan</FromUserName><CreateTime>${deps.clock.unixSeconds()}</CreateTime><MsgType>event</MsgType><Event>enter_agent</Event><EventKey></EventKey><AgentID>1000002</AgentID></xml>`,
    );
    await postCallback(deps, "acme", textXml(deps));
    await deps.deferred.flush();
    const stats = await api.json("GET", "/api/teams/acme/callbacks/stats");
    expect(await stats.json()).toEqual({ received: 2, processed: 1, ignored: 1, pending: 0, dead: 0 });
  });
});

describe("POST /wecom/:slug/callback refuses bad input with a 4xx and writes nothing", () => {
  const now = () => deps.clock.unixSeconds();

  /** Signs arbitrary raw blocks (already padded) so the failure is in the plaintext, not the signature. */
  async function postRaw(padded: Uint8Array): Promise<Response> {
    const encrypt = await encryptRawBlocks(BINDING.encodingAesKey, padded);
    return postEncrypt(encrypt);
  }
  async function postEncrypt(encrypt: string, query: Record<string, string> = {}): Promise<Response> {
    const timestamp = now();
    const msg_signature = await signatureOf(BINDING.token, timestamp, "5", encrypt);
    return api.request(`/wecom/acme/callback?${toQueryString({ msg_signature, timestamp, nonce: "5", ...query })}`, {
      method: "POST",
      body: `<xml><ToUserName><![CDATA[${BINDING.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
    });
  }
  function pad32(bytes: Uint8Array, padValue?: number): Uint8Array {
    const n = 32 - (bytes.length % 32);
    const out = new Uint8Array(bytes.length + n);
    out.set(bytes);
    out.fill(n, bytes.length);
    if (padValue !== undefined) out[out.length - 1] = padValue;
    return out;
  }
  const random = new Uint8Array(16).fill(7);

  const cases: [string, () => Promise<Response>, number, string][] = [
    ["an unknown team", async () => postCallback(deps, "nobody", textXml(deps)), 401, "bad_signature"],
    [
      "a missing signature",
      async () =>
        api.request(`/wecom/acme/callback?timestamp=${now()}&nonce=1`, { method: "POST", body: "<xml><Encrypt>AAAA</Encrypt></xml>" }),
      401,
      "bad_signature",
    ],
    [
      "a wrong signature",
      async () => postCallback(deps, "acme", textXml(deps), { binding: { token: "WrongToken", encodingAesKey: BINDING.encodingAesKey } }),
      401,
      "bad_signature",
    ],
    [
      "a tampered Encrypt",
      async () => {
        const encrypt = await encryptRawBlocks(BINDING.encodingAesKey, pad32(framePlaintext(textXml(deps), BINDING.corpId, random)));
        const timestamp = now();
        const msg_signature = await signatureOf(BINDING.token, timestamp, "5", encrypt);
        const tampered = `${encrypt.slice(0, 10)}${encrypt[10] === "A" ? "B" : "A"}${encrypt.slice(11)}`;
        return api.request(`/wecom/acme/callback?${toQueryString({ msg_signature, timestamp, nonce: "5" })}`, {
          method: "POST",
          body: `<xml><Encrypt><![CDATA[${tampered}]]></Encrypt></xml>`,
        });
      },
      401,
      "bad_signature",
    ],
    ["a foreign receive id", async () => postCallback(deps, "acme", textXml(deps), { receiveId: "wwOTHER" }), 400, "bad_receive_id"],
    [
      "a message signed and encrypted with another team's token and key",
      async () =>
        postCallback(deps, "acme", textXml(deps), {
          binding: { token: "OtherTeamToken0123", encodingAesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C" },
        }),
      401,
      "bad_signature",
    ],
    [
      "a key of another team",
      async () =>
        postCallback(deps, "acme", textXml(deps), {
          binding: { token: BINDING.token, encodingAesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C" },
        }),
      400,
      "bad_ciphertext",
    ],
    ["bad base64", async () => postEncrypt("not*base64!"), 400, "bad_ciphertext"],
    ["a length that is not whole blocks", async () => postEncrypt(Buffer.alloc(48).toString("base64")), 400, "bad_ciphertext"],
    [
      "inconsistent pad bytes",
      async () => postRaw(pad32(framePlaintext(textXml(deps), BINDING.corpId, random), 33)),
      400,
      "bad_ciphertext",
    ],
    [
      "a length field longer than the message",
      async () => {
        const framed = framePlaintext(textXml(deps), BINDING.corpId, random);
        new DataView(framed.buffer).setUint32(16, 100_000);
        return postRaw(pad32(framed));
      },
      400,
      "bad_ciphertext",
    ],
    [
      "a body that is not XML",
      async () => api.request(`/wecom/acme/callback?msg_signature=a&timestamp=${now()}&nonce=1`, { method: "POST", body: "hello" }),
      400,
      "bad_xml",
    ],
    [
      "a signed envelope with a DTD (XXE): refused by the full parse after the signature, never expanded",
      async () => {
        const encrypt = await encryptRawBlocks(BINDING.encodingAesKey, pad32(framePlaintext(textXml(deps), BINDING.corpId, random)));
        const timestamp = now();
        const msg_signature = await signatureOf(BINDING.token, timestamp, "5", encrypt);
        return api.request(`/wecom/acme/callback?${toQueryString({ msg_signature, timestamp, nonce: "5" })}`, {
          method: "POST",
          body: `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Encrypt><![CDATA[${encrypt}]]></Encrypt><X>&x;</X></xml>`,
        });
      },
      400,
      "bad_xml",
    ],
    ["a decrypted message that is not XML", async () => postCallback(deps, "acme", "just text"), 400, "bad_xml"],
    [
      "an oversized body",
      async () =>
        api.request(`/wecom/acme/callback?msg_signature=a&timestamp=${now()}&nonce=1`, {
          method: "POST",
          body: `<xml><Encrypt>${"A".repeat(70_000)}</Encrypt></xml>`,
        }),
      413,
      "payload_too_large",
    ],
    [
      "an oversized body announced by Content-Length: refused before it is read",
      async () =>
        api.request(`/wecom/acme/callback?msg_signature=a&timestamp=${now()}&nonce=1`, {
          method: "POST",
          headers: { "content-length": "70016" },
          body: `<xml><Encrypt>${"A".repeat(70_000)}</Encrypt></xml>`,
        }),
      413,
      "payload_too_large",
    ],
    [
      "a stale timestamp",
      async () => postCallback(deps, "acme", textXml(deps), { timestamp: String(Number(now()) - 301) }),
      401,
      "stale_timestamp",
    ],
    [
      "a future timestamp",
      async () => postCallback(deps, "acme", textXml(deps), { timestamp: String(Number(now()) + 301) }),
      401,
      "stale_timestamp",
    ],
  ];

  it.each(cases)("%s", async (_name, send, status, code) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error: { code } });
    expect(await inboxRows(opened.db)).toHaveLength(0);
    expect(deps.deferred.queue).toHaveLength(0);
    const warnings = deps.logger.lines.filter((l) => l.msg === "callback rejected");
    expect(warnings).toHaveLength(1);
    const logged = JSON.stringify(deps.logger.lines);
    for (const secret of [BINDING.token, BINDING.encodingAesKey, BINDING.secret]) expect(logged).not.toContain(secret);
  });

  it("accepts a timestamp just inside the window", async () => {
    const res = await postCallback(deps, "acme", textXml(deps), { timestamp: String(Number(now()) - 300) });
    expect(res.status).toBe(200);
    expect(await inboxRows(opened.db)).toHaveLength(1);
  });
});

describe("what an unauthenticated request learns and costs", () => {
  it("answers the same for an unknown team, an unbound team and a bound one; only the log tells them apart", async () => {
    expect((await api.json("POST", "/api/teams", { slug: "unbound", name: "Unbound" })).status).toBe(201);
    const query = `msg_signature=${"0".repeat(40)}&timestamp=${deps.clock.unixSeconds()}&nonce=1`;
    const body = "<xml><Encrypt><![CDATA[AAAA]]></Encrypt></xml>";
    const answers = [];
    for (const slug of ["nobody-at-all", "unbound", "acme"]) {
      const res = await api.request(`/wecom/${slug}/callback?${query}`, { method: "POST", body });
      answers.push({ status: res.status, body: await res.text() });
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[1]).toEqual(answers[2]);
    expect(answers[0]).toMatchObject({ status: 401 });
    expect(JSON.parse(answers[0]!.body)).toMatchObject({ error: { code: "bad_signature" } });
    const reasons = deps.logger.lines
      .filter((l) => l.msg === "callback for a team without keys")
      .map((l) => [l.fields?.slug, l.fields?.reason]);
    expect(reasons).toEqual([
      ["nobody-at-all", "team_not_found"],
      ["unbound", "not_bound"],
    ]);
  });

  it("reads keys afresh after a failed check at most once per team per cooldown (a re-bind on another instance still takes effect)", async () => {
    expect((await postCallback(deps, "acme", textXml(deps))).status).toBe(200);
    // Another instance re-binds acme with a new token: this process still holds the old keys.
    const [row] = await opened.db.select().from(teams).where(eq(teams.slug, "acme"));
    const token = "RotatedToken0123456789";
    await opened.db
      .update(wecomBindings)
      .set({ tokenSealed: deps.secrets.seal(token, sealContext(row!.id, "token")) })
      .where(eq(wecomBindings.teamId, row!.id));
    const signedWithNew = () =>
      postCallback(deps, "acme", textXml(deps, `m-${Math.random()}`), { binding: { token, encodingAesKey: BINDING.encodingAesKey } });

    // The cached keys were read just now: a failed check refreshes nothing yet.
    deps.clock.advance(KEY_REFRESH_COOLDOWN_MS - 1);
    expect((await signedWithNew()).status).toBe(401);
    // Past the cooldown the first failure reads the keys again, and the callback is taken.
    deps.clock.advance(1);
    expect((await signedWithNew()).status).toBe(200);
    // Unsigned floods right after that refresh find the fresh keys and read nothing more.
    const unknown = () => postCallback(deps, "nobody-flood", textXml(deps));
    for (let i = 0; i < 3; i++) expect((await unknown()).status).toBe(401);
    expect(deps.logger.lines.filter((l) => l.msg === "callback for a team without keys" && l.fields?.slug === "nobody-flood")).toHaveLength(
      1,
    );
    deps.clock.advance(KEY_REFRESH_COOLDOWN_MS);
    expect((await unknown()).status).toBe(401);
    expect(deps.logger.lines.filter((l) => l.msg === "callback for a team without keys" && l.fields?.slug === "nobody-flood")).toHaveLength(
      2,
    );
    await opened.db
      .update(wecomBindings)
      .set({ tokenSealed: deps.secrets.seal(BINDING.token, sealContext(row!.id, "token")) })
      .where(eq(wecomBindings.teamId, row!.id));
    deps.clock.advance(KEY_REFRESH_COOLDOWN_MS);
  });
});
