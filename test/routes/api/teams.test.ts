import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { teams, wecomBindings } from "../../../src/db/schema";
import { apiClient, BINDING, OPERATOR } from "../../helpers/api";
import { testDeps, type TestDeps } from "../../helpers/deps";
import { control, wecomCalls } from "../../helpers/emulator";
import { openTestDb } from "../../helpers/test-db";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  opened = await openTestDb();
  deps = testDeps(opened.db);
  api = apiClient(deps);
});
afterAll(async () => opened.close());

describe("POST /api/teams", () => {
  it("creates a team and answers 201", async () => {
    const res = await api.json("POST", "/api/teams", { slug: "create-ok", name: "研发部" });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { team: { slug: string; name: string; id: number } };
    expect(body.team).toMatchObject({ slug: "create-ok", name: "研发部" });
    expect(body.team.id).toBeGreaterThan(0);
  });

  it("refuses a taken slug with 409 team_exists", async () => {
    await api.json("POST", "/api/teams", { slug: "taken", name: "A" });
    const res = await api.json("POST", "/api/teams", { slug: "taken", name: "B" });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: "team_exists" } });
  });

  it("names every bad field in one 422", async () => {
    const res = await api.json("POST", "/api/teams", { slug: "Bad Slug!", name: "" });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; fields: { field: string }[] } };
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.fields.map((f) => f.field).sort()).toEqual(["name", "slug"]);
  });

  it("answers 400 to a body that is not JSON", async () => {
    const res = await api.request("/api/teams", {
      method: "POST",
      headers: { ...OPERATOR, "content-type": "application/json" },
      body: "{nope",
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "bad_request" } });
  });

  it.each([
    ["no header", {}],
    ["a wrong token", { authorization: "Bearer wrong-token-0123456789" }],
    ["a prefix of the token", { authorization: `${OPERATOR.authorization.slice(0, -1)}` }],
    ["another scheme", { authorization: `Basic ${OPERATOR.authorization.slice(7)}` }],
  ])("answers 401 with %s and creates nothing", async (_name, headers) => {
    const res = await api.json("POST", "/api/teams", { slug: "sneaky", name: "x" }, headers);
    expect(res.status).toBe(401);
    const check = await api.json("POST", "/api/teams", { slug: "sneaky", name: "x" });
    expect(check.status).toBe(201);
    await opened.db.execute("delete from teams where slug = 'sneaky'");
  });
});

describe("PUT/GET /api/teams/:slug/wecom", () => {
  beforeAll(async () => {
    await api.json("POST", "/api/teams", { slug: "bind", name: "Bind" });
  });

  it("binds, answers the callback URL and never returns a secret in clear", async () => {
    const res = await api.json("PUT", "/api/teams/bind/wecom", { ...BINDING, adminUserIds: ["ZhangSan"], scopeDepartmentIds: [2, 3] });
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const secret of [BINDING.secret, BINDING.token, BINDING.encodingAesKey]) expect(text).not.toContain(secret);
    const body = JSON.parse(text) as Record<string, unknown>;
    expect(body).toMatchObject({
      callbackUrl: "https://roster.example.com/wecom/bind/callback",
      corpId: BINDING.corpId,
      agentId: "1000002",
      adminUserIds: ["ZhangSan"],
      scopeDepartmentIds: [2, 3],
    });
    // No character of any secret, not even its ends.
    expect([body.secret, body.token, body.encodingAesKey]).toEqual(["********", "********", "********"]);

    const got = await api.json("GET", "/api/teams/bind/wecom");
    const gotText = await got.text();
    expect(got.status).toBe(200);
    expect(JSON.parse(gotText)).toMatchObject({ bound: true, corpId: BINDING.corpId, callbackUrl: body.callbackUrl });
    for (const secret of [BINDING.secret, BINDING.token, BINDING.encodingAesKey]) expect(gotText).not.toContain(secret);
  });

  it("stores the secret, token and key encrypted, and logs none of them", async () => {
    await api.json("PUT", "/api/teams/bind/wecom", BINDING);
    const team = await api.json("GET", "/api/teams/bind/wecom");
    expect(team.status).toBe(200);
    const rows = await opened.db.select().from(wecomBindings);
    const row = rows.find((r) => r.corpId === BINDING.corpId);
    expect(row).toBeDefined();
    const stored = JSON.stringify(row);
    for (const secret of [BINDING.secret, BINDING.token, BINDING.encodingAesKey]) expect(stored).not.toContain(secret);
    expect(row!.secretSealed).toMatch(/^v1\./);
    const logged = JSON.stringify(deps.logger.lines);
    for (const secret of [BINDING.secret, BINDING.token, BINDING.encodingAesKey]) expect(logged).not.toContain(secret);
  });

  it("re-binding replaces the credentials and bumps the version", async () => {
    const before = (await opened.db.select().from(wecomBindings).where(eq(wecomBindings.corpId, BINDING.corpId)))[0]!;
    const res = await api.json("PUT", "/api/teams/bind/wecom", { ...BINDING, adminUserIds: ["lisi"], scopeDepartmentIds: [3] });
    expect(res.status).toBe(200);
    const after = (await opened.db.select().from(wecomBindings).where(eq(wecomBindings.teamId, before.teamId)))[0]!;
    expect(after).toMatchObject({ adminUserIds: ["lisi"], scopeDepartmentIds: [3] });
    expect(after.secretSealed).not.toBe(before.secretSealed);
    expect(after.version).toBe(before.version + 1);
  });

  it("answers 422 naming each malformed field, and stores nothing", async () => {
    await api.json("POST", "/api/teams", { slug: "bad-bind", name: "x" });
    const res = await api.json("PUT", "/api/teams/bad-bind/wecom", {
      corpId: "ww 123",
      agentId: "abc",
      secret: "short",
      token: "has space",
      encodingAesKey: "tooShort",
      adminUserIds: ["-bad"],
      scopeDepartmentIds: [0],
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { fields: { field: string; message: string }[] } };
    expect(body.error.fields.map((f) => f.field).sort()).toEqual(
      ["adminUserIds", "agentId", "corpId", "encodingAesKey", "scopeDepartmentIds", "secret", "token"].sort(),
    );
    const got = await api.json("GET", "/api/teams/bad-bind/wecom");
    expect(await got.json()).toMatchObject({ bound: false });
  });

  it("accepts WeCom's own keys, whose last character carries spare bits, and refuses other shapes", async () => {
    // The official sample key ends in "C": its 43 characters decode to 32 bytes plus 2 spare bits.
    const official = await api.json("PUT", "/api/teams/bind/wecom", {
      ...BINDING,
      encodingAesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
    });
    expect(official.status).toBe(200);
    for (const encodingAesKey of [
      `${BINDING.encodingAesKey}A`,
      `${BINDING.encodingAesKey.slice(0, 42)}+`,
      `${BINDING.encodingAesKey.slice(0, 41)}==`,
    ]) {
      const res = await api.json("PUT", "/api/teams/bind/wecom", { ...BINDING, encodingAesKey });
      expect(res.status).toBe(422);
      expect(JSON.stringify(await res.json())).toContain("encodingAesKey");
    }
  });

  it("answers 404 for an unknown team and 401 without the operator token", async () => {
    const missing = await api.json("PUT", "/api/teams/nobody/wecom", BINDING);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "team_not_found" } });
    const anonymous = await api.json("GET", "/api/teams/bind/wecom", undefined, {});
    expect(anonymous.status).toBe(401);
  });
});

describe("PUT /api/teams/:slug/wecom checks the credentials live", () => {
  beforeAll(async () => {
    await api.json("POST", "/api/teams", { slug: "live", name: "Live" });
  });

  it("answers the app's visibility range", async () => {
    const res = await api.json("PUT", "/api/teams/live/wecom", BINDING);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ visibility: { departmentIds: [1], userIds: [], tagIds: [], wholeCorp: true } });
  });

  it("warns when the range lacks the root department", async () => {
    await control(deps, "PUT", `/_emulator/apps/${BINDING.agentId}`, { allowPartys: [2] });
    const res = await api.json("PUT", "/api/teams/live/wecom", BINDING);
    await control(deps, "PUT", `/_emulator/apps/${BINDING.agentId}`, { allowPartys: [1] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { visibility: { wholeCorp: boolean }; warnings: { code: string }[] };
    expect(body.visibility.wholeCorp).toBe(false);
    expect(body.warnings.map((w) => w.code)).toContain("partial_visibility");
  });

  it.each([
    ["a wrong secret", { secret: "wrong-secret-00000000000000000000000000000" }, 40001, "gettoken"],
    ["a wrong CorpID", { corpId: "wwnotmycorp00000" }, 40013, "gettoken"],
    ["an AgentId of another app", { agentId: 1000099 }, 301002, "agent/get"],
  ])("refuses %s with 422 naming the errcode, and stores nothing", async (_name, change, errcode, wecomApi) => {
    await api.json("POST", "/api/teams", { slug: `rejected-${errcode}`, name: "x" });
    const res = await api.json("PUT", `/api/teams/rejected-${errcode}/wecom`, { ...BINDING, ...change });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; errcode: number; api: string; hint: { zh: string; en: string } } };
    expect(body.error).toMatchObject({ code: "wecom_rejected", errcode, api: wecomApi });
    expect(body.error.hint.zh.length).toBeGreaterThan(0);
    expect(body.error.hint.en.length).toBeGreaterThan(0);
    expect(await (await api.json("GET", `/api/teams/rejected-${errcode}/wecom`)).json()).toMatchObject({ bound: false });
  });

  it("does not call gettoken again for a secret WeCom just refused", async () => {
    const before = (await wecomCalls(deps)).gettoken ?? 0;
    const bad = { ...BINDING, secret: "another-wrong-secret-000000000000000000000" };
    expect((await api.json("PUT", "/api/teams/live/wecom", bad)).status).toBe(422);
    expect((await api.json("PUT", "/api/teams/live/wecom", bad)).status).toBe(422);
    expect((await wecomCalls(deps)).gettoken).toBe(before + 1);
  });

  it("tells the admin which IP to trust on 60020", async () => {
    await control(deps, "POST", "/_emulator/faults", {
      api: "*",
      errcode: 60020,
      errmsg:
        "not allow to access from your ip, hint: [1], from ip: 198.51.100.20, more info at https://open.work.weixin.qq.com/devtool/query?e=60020",
      times: 1,
    });
    const res = await api.json("PUT", "/api/teams/live/wecom", { ...BINDING, secret: "fresh-secret-for-ip-check-0000000000000000" });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { errcode: number; ip: string; message: string } };
    expect(body.error).toMatchObject({ errcode: 60020, ip: "198.51.100.20" });
    expect(body.error.message).toContain("198.51.100.20");
  });

  it("answers 503 when WeCom keeps failing, and stores nothing", async () => {
    await api.json("POST", "/api/teams", { slug: "unavailable", name: "x" });
    await control(deps, "POST", "/_emulator/faults", { api: "gettoken", http: 502, times: 20 });
    const res = await api.json("PUT", "/api/teams/unavailable/wecom", { ...BINDING, secret: "yet-another-secret-0000000000000000000000" });
    await control(deps, "DELETE", "/_emulator/faults");
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: "wecom_unavailable", api: "gettoken" } });
    expect(await (await api.json("GET", "/api/teams/unavailable/wecom")).json()).toMatchObject({ bound: false });
  });
});

describe("PUT /api/teams/:slug/wecom/admins", () => {
  beforeAll(async () => {
    await api.json("POST", "/api/teams", { slug: "admins", name: "Admins" });
    await api.json("POST", "/api/teams", { slug: "admins-unbound", name: "Unbound" });
    expect((await api.json("PUT", "/api/teams/admins/wecom", { ...BINDING, adminUserIds: ["old"] })).status).toBe(200);
  });

  it("replaces only the admin list: no call to WeCom, the sealed secrets and the version stay", async () => {
    const [{ id: teamId }] = (await opened.db.select({ id: teams.id }).from(teams).where(eq(teams.slug, "admins"))) as [{ id: number }];
    const [before] = await opened.db.select().from(wecomBindings).where(eq(wecomBindings.teamId, teamId));
    const calls = await wecomCalls(deps);
    const res = await api.json("PUT", "/api/teams/admins/wecom/admins", { adminUserIds: ["ZhangSan", "lisi", "zhangsan"] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { adminUserIds: string[]; secret: string };
    expect(body.adminUserIds).toEqual(["ZhangSan", "lisi"]);
    expect(body.secret).not.toBe(BINDING.secret);
    const [row] = await opened.db.select().from(wecomBindings).where(eq(wecomBindings.teamId, teamId));
    expect(row).toMatchObject({ adminUserIds: ["ZhangSan", "lisi"], secretSealed: before!.secretSealed, version: before!.version });
    expect(await wecomCalls(deps)).toEqual(calls);
  });

  it("answers 422 for a malformed list, 409 not_bound before binding, 401 without the operator token", async () => {
    const bad = await api.json("PUT", "/api/teams/admins/wecom/admins", { adminUserIds: ["bad id!"] });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ error: { code: "validation_failed", fields: [{ field: "adminUserIds" }] } });
    const unbound = await api.json("PUT", "/api/teams/admins-unbound/wecom/admins", { adminUserIds: [] });
    expect(unbound.status).toBe(409);
    expect(await unbound.json()).toMatchObject({ error: { code: "not_bound" } });
    const anonymous = await api.json("PUT", "/api/teams/admins/wecom/admins", { adminUserIds: ["mallory"] }, {});
    expect(anonymous.status).toBe(401);
    expect((await opened.db.select().from(wecomBindings)).find((r) => r.adminUserIds.includes("mallory"))).toBeUndefined();
  });
});
