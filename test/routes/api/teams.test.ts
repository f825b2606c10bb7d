import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wecomBindings } from "../../../src/db/schema";
import { apiClient, BINDING, OPERATOR } from "../../helpers/api";
import { testDeps, type TestDeps } from "../../helpers/deps";
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
    const res = await api.request("/api/teams", { method: "POST", headers: { ...OPERATOR, "content-type": "application/json" }, body: "{nope" });
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
    expect(body.secret).toMatch(/^s3\*{4}no$/);

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
    const res = await api.json("PUT", "/api/teams/bind/wecom", { ...BINDING, agentId: "1000003" });
    expect(res.status).toBe(200);
    const after = (await opened.db.select().from(wecomBindings).where(eq(wecomBindings.teamId, before.teamId)))[0]!;
    expect(after.agentId).toBe("1000003");
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
    const official = await api.json("PUT", "/api/teams/bind/wecom", { ...BINDING, encodingAesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C" });
    expect(official.status).toBe(200);
    for (const encodingAesKey of [`${BINDING.encodingAesKey}A`, `${BINDING.encodingAesKey.slice(0, 42)}+`, `${BINDING.encodingAesKey.slice(0, 41)}==`]) {
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

describe("GET /healthz", () => {
  it("answers 200 while the database answers", async () => {
    const res = await api.request("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});
