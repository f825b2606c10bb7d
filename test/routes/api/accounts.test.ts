import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts, loginAttempts, sessions } from "../../../src/db/schema";
import type { TestDeps } from "../../helpers/deps";
import { openTestDb } from "../../helpers/test-db";
import { accountDeps, client, FAST_SCRYPT_N, PASSWORD, setCookies } from "../../services/accounts/helpers";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  opened = await openTestDb();
  deps = accountDeps(opened.db);
  api = client(deps);
});
afterAll(async () => opened.close());

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const errorOf = async (res: Response) =>
  ((await res.json()) as { error: { code: string; message: string; fields?: { field: string }[] } }).error;

describe("POST /api/accounts", () => {
  it("registers an account (201) and stores an scrypt hash, never the password", async () => {
    const res = await api.json(
      "POST",
      "/api/accounts",
      { username: "Zhang.San", password: PASSWORD, name: " 张三 ", email: "ZhangSan@Example.COM" },
      {},
    );
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain("scrypt");
    const { account } = JSON.parse(text) as { account: Record<string, unknown> };
    expect(account).toEqual({ id: expect.any(Number) as number, username: "Zhang.San", name: "张三", email: "zhangsan@example.com" });
    const [row] = await opened.db
      .select()
      .from(accounts)
      .where(eq(accounts.id, account.id as number));
    expect(row).toMatchObject({ usernameKey: "zhang.san", email: "zhangsan@example.com" });
    expect(row!.passwordHash).toMatch(new RegExp(`^scrypt\\$${FAST_SCRYPT_N}\\$8\\$1\\$[A-Za-z0-9_-]{22}\\$[A-Za-z0-9_-]{86}$`));
    expect(JSON.stringify(deps.logger.lines)).not.toContain(PASSWORD);
  });

  it("refuses a username taken in any letter case with 409 username_taken", async () => {
    await api.register({ username: "lisi", password: PASSWORD, name: "李四" });
    for (const username of ["lisi", "LiSi", "LISI"]) {
      const res = await api.json("POST", "/api/accounts", { username, password: PASSWORD, name: "x" }, {});
      expect(res.status).toBe(409);
      expect((await errorOf(res)).code).toBe("username_taken");
    }
    const rows = await opened.db.select().from(accounts).where(eq(accounts.usernameKey, "lisi"));
    expect(rows).toHaveLength(1);
  });

  it("names every bad field in one 422", async () => {
    const res = await api.json("POST", "/api/accounts", { username: "a b", password: "short", name: "", email: "not-an-email" }, {});
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    expect(error.code).toBe("validation_failed");
    expect(error.fields!.map((f) => f.field).sort()).toEqual(["email", "name", "password", "username"]);
    const missing = await api.json("POST", "/api/accounts", {}, {});
    expect((await errorOf(missing)).fields!.map((f) => f.field).sort()).toEqual(["name", "password", "username"]);
  });

  it.each([
    ["a 2-character username", { username: "ab" }, "username"],
    ["a 65-character username", { username: "a".repeat(65) }, "username"],
    ["a 9-character password", { password: "123456789" }, "password"],
    ["a 201-character password", { password: "x".repeat(201) }, "password"],
    ["a 101-character name", { name: "名".repeat(101) }, "name"],
  ])("refuses %s", async (_name, patch, field) => {
    const res = await api.json("POST", "/api/accounts", { username: "bounds-ok", password: PASSWORD, name: "n", ...patch }, {});
    expect(res.status).toBe(422);
    expect((await errorOf(res)).fields!.map((f) => f.field)).toEqual([field]);
  });

  it("accepts the limits: 3 and 64 characters of username, 10 and 200 of password (code points)", async () => {
    for (const body of [
      { username: "abc", password: "0123456789" },
      { username: "u".repeat(64), password: "密".repeat(200) },
      { username: "a_b.c@d-e", password: "🔑".repeat(10) },
    ]) {
      const res = await api.json("POST", "/api/accounts", { ...body, name: "n" }, {});
      expect(res.status).toBe(201);
    }
  });

  it("answers 400 to a body that is not JSON", async () => {
    const res = await api.request("/api/accounts", { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    expect(res.status).toBe(400);
  });
});

describe("POST /api/session", () => {
  beforeAll(async () => {
    await api.register({ username: "WangWu", password: PASSWORD, name: "王五", email: "wangwu@example.com" });
  });

  it("logs in (any letter case of the username) and sets an HttpOnly, SameSite=Lax, Secure, __Host- session cookie, with HSTS", async () => {
    const res = await api.json("POST", "/api/session", { username: "wangwu", password: PASSWORD }, {});
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      account: { id: expect.any(Number) as number, username: "WangWu", name: "王五", email: "wangwu@example.com" },
    });
    const [cookie] = setCookies(res).filter((c) => c.name === "__Host-wr_session");
    expect(cookie).toBeDefined();
    expect(cookie!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie!.attributes).toMatchObject({
      httponly: true,
      samesite: "Lax",
      path: "/",
      secure: true,
      "max-age": String(30 * 24 * 3600),
    });
    expect(cookie!.attributes.domain).toBeUndefined();
    expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000");
    // The unprefixed name is not read: a cookie planted by a sibling subdomain or over http opens nothing.
    const jar = await api.login("WangWu", PASSWORD);
    const token = jar.get("__Host-wr_session")!;
    expect((await api.json("GET", "/api/me", undefined, { cookie: `__Host-wr_session=${token}` })).status).toBe(200);
    expect((await api.json("GET", "/api/me", undefined, { cookie: `wr_session=${token}` })).status).toBe(401);
  });

  it("leaves Secure, the __Host- prefix and HSTS off when PUBLIC_URL is plain http", async () => {
    const plain = client(accountDeps(opened.db, { env: { PUBLIC_URL: "http://localhost:3000" } }));
    const res = await plain.json("POST", "/api/session", { username: "WangWu", password: PASSWORD }, {});
    expect(res.status).toBe(200);
    expect(res.headers.get("strict-transport-security")).toBeNull();
    const [cookie] = setCookies(res).filter((c) => c.name === "wr_session");
    expect(cookie!.attributes).toMatchObject({ httponly: true, samesite: "Lax", path: "/" });
    expect(cookie!.attributes.secure).toBeUndefined();
  });

  it("stores only the SHA-256 of the session token", async () => {
    const jar = await api.login("WangWu", PASSWORD);
    const token = jar.get("__Host-wr_session")!;
    const rows = await opened.db.select().from(sessions);
    expect(JSON.stringify(rows)).not.toContain(token);
    const mine = rows.filter((r) => r.tokenHash === sha256(token));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.expiresAt.getTime() - mine[0]!.createdAt.getTime()).toBe(30 * 24 * 3600 * 1000);
  });

  it("answers 401 invalid_credentials with one message for a wrong password and an unknown username", async () => {
    const wrong = await api.json("POST", "/api/session", { username: "WangWu", password: "wrong password!" }, {});
    const unknown = await api.json("POST", "/api/session", { username: "nobody-here", password: "wrong password!" }, {});
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const a = await errorOf(wrong);
    const b = await errorOf(unknown);
    expect(a).toEqual(b);
    expect(a.code).toBe("invalid_credentials");
    expect(setCookies(wrong)).toEqual([]);
  });

  it("answers 422 naming missing fields", async () => {
    const res = await api.json("POST", "/api/session", { username: "" }, {});
    expect(res.status).toBe(422);
    expect((await errorOf(res)).fields!.map((f) => f.field).sort()).toEqual(["password", "username"]);
  });

  it("refuses a login posted by another site's page (Origin) with 403 csrf_failed", async () => {
    const res = await api.json("POST", "/api/session", { username: "WangWu", password: PASSWORD }, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe("csrf_failed");
    const ok = await api.json("POST", "/api/session", { username: "WangWu", password: PASSWORD }, { origin: "https://roster.example.com" });
    expect(ok.status).toBe(200);
  });

  it("replaces the browser's previous session when it logs in again", async () => {
    const jar = await api.login("WangWu", PASSWORD);
    const first = jar.get("__Host-wr_session")!;
    const res = await api.asBrowser(jar, "POST", "/api/session", { username: "WangWu", password: PASSWORD });
    expect(res.status).toBe(200);
    expect(jar.get("__Host-wr_session")).not.toBe(first);
    expect(
      await opened.db
        .select()
        .from(sessions)
        .where(eq(sessions.tokenHash, sha256(first))),
    ).toEqual([]);
  });

  it("rehashes a password stored at a lower cost on the next successful login", async () => {
    await api.register({ username: "rehash-me", password: PASSWORD, name: "r" });
    const stronger = client(accountDeps(opened.db, { config: { passwordScryptN: FAST_SCRYPT_N * 2 } }));
    expect((await stronger.json("POST", "/api/session", { username: "rehash-me", password: PASSWORD }, {})).status).toBe(200);
    const [row] = await opened.db.select().from(accounts).where(eq(accounts.usernameKey, "rehash-me"));
    expect(row!.passwordHash.startsWith(`scrypt$${FAST_SCRYPT_N * 2}$`)).toBe(true);
    expect((await stronger.json("POST", "/api/session", { username: "rehash-me", password: PASSWORD }, {})).status).toBe(200);
  });
});

describe("GET /api/me and DELETE /api/session", () => {
  beforeAll(async () => {
    await api.register({ username: "zhaoliu", password: PASSWORD, name: "赵六" });
  });

  it("answers the session's account, and 401 without one or with a forged cookie", async () => {
    const jar = await api.login("zhaoliu", PASSWORD);
    const me = await api.asBrowser(jar, "GET", "/api/me");
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ account: { username: "zhaoliu", name: "赵六" } });
    for (const headers of [
      {} as Record<string, string>,
      { cookie: "__Host-wr_session=junk" },
      { cookie: `__Host-wr_session=${"A".repeat(43)}` },
    ]) {
      const res = await api.json("GET", "/api/me", undefined, headers);
      expect(res.status).toBe(401);
      expect((await errorOf(res)).code).toBe("unauthorized");
    }
  });

  it("logs out: the row is deleted, the cookie cleared, and the old cookie opens nothing", async () => {
    const jar = await api.login("zhaoliu", PASSWORD);
    const token = jar.get("__Host-wr_session")!;
    const stolen = { cookie: `__Host-wr_session=${token}` };
    const res = await api.asBrowser(jar, "DELETE", "/api/session");
    expect(res.status).toBe(204);
    const [cleared] = setCookies(res).filter((c) => c.name === "__Host-wr_session");
    expect(cleared!.attributes["max-age"]).toBe("0");
    expect(jar.get("__Host-wr_session")).toBeUndefined();
    expect(
      await opened.db
        .select()
        .from(sessions)
        .where(eq(sessions.tokenHash, sha256(token))),
    ).toEqual([]);
    expect((await api.json("GET", "/api/me", undefined, stolen)).status).toBe(401);
  });

  it("expires a session after 30 days", async () => {
    const jar = await api.login("zhaoliu", PASSWORD);
    deps.clock.advance(30 * 24 * 3600 * 1000 - 1000);
    expect((await api.asBrowser(jar, "GET", "/api/me")).status).toBe(200);
    deps.clock.advance(1000);
    expect((await api.asBrowser(jar, "GET", "/api/me")).status).toBe(401);
    expect(
      await opened.db
        .select()
        .from(sessions)
        .where(eq(sessions.tokenHash, sha256(jar.get("__Host-wr_session")!))),
    ).toEqual([]);
  });
});

describe("login throttling", () => {
  const wrong = (username: string, headers: Record<string, string> = {}) =>
    api.json("POST", "/api/session", { username, password: "not the password" }, headers);

  it("after 5 failures answers 429 with Retry-After, refuses even the right password, and lets in after the window", async () => {
    await api.register({ username: "throttled", password: PASSWORD, name: "t" });
    for (let i = 0; i < 5; i++) expect((await wrong(i % 2 ? "THROTTLED" : "throttled")).status).toBe(401);
    const blocked = await wrong("throttled");
    expect(blocked.status).toBe(429);
    const retry = Number(blocked.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(15 * 60);
    const error = (await blocked.json()) as { error: { code: string; retryAfterSeconds: number } };
    expect(error.error).toMatchObject({ code: "too_many_attempts", retryAfterSeconds: retry });

    const right = await api.json("POST", "/api/session", { username: "throttled", password: PASSWORD }, {});
    expect(right.status).toBe(429);
    expect(setCookies(right)).toEqual([]);

    deps.clock.advance(retry * 1000 - 2000);
    expect((await api.json("POST", "/api/session", { username: "throttled", password: PASSWORD }, {})).status).toBe(429);
    deps.clock.advance(2000);
    const after = await api.json("POST", "/api/session", { username: "throttled", password: PASSWORD }, {});
    expect(after.status).toBe(200);
  });

  it("throttles an unknown username exactly like a known one", async () => {
    for (let i = 0; i < 5; i++) expect((await wrong("ghost-user")).status).toBe(401);
    expect((await wrong("ghost-user")).status).toBe(429);
  });

  it("forgets a username's failures after a successful login", async () => {
    await api.register({ username: "forgiven", password: PASSWORD, name: "f" });
    for (let i = 0; i < 4; i++) expect((await wrong("forgiven")).status).toBe(401);
    await api.login("forgiven", PASSWORD);
    for (let i = 0; i < 5; i++) expect((await wrong("forgiven")).status).toBe(401);
    expect((await wrong("forgiven")).status).toBe(429);
  });

  it("counts in the database, not in the process: a second app instance sees the same block", async () => {
    for (let i = 0; i < 5; i++) expect((await wrong("two-instances")).status).toBe(401);
    const other = client(accountDeps(opened.db, { clock: deps.clock }));
    expect((await other.json("POST", "/api/session", { username: "two-instances", password: "x" }, {})).status).toBe(429);
    const [row] = await opened.db.select().from(loginAttempts).where(eq(loginAttempts.key, "user:two-instances"));
    expect(row!.attempts).toBeGreaterThanOrEqual(6);
  });

  it("with TRUST_PROXY, 5 failures from one address block that username only from that address: the owner still logs in from elsewhere", async () => {
    const proxied = client(accountDeps(opened.db, { config: { trustProxy: true }, clock: deps.clock }));
    await proxied.register({ username: "locked-out-admin", password: PASSWORD, name: "a" });
    const from = (ip: string) => ({ "x-forwarded-for": ip });
    for (let i = 0; i < 5; i++)
      expect(
        (await proxied.json("POST", "/api/session", { username: "locked-out-admin", password: "wrong guess" }, from("192.0.2.66"))).status,
      ).toBe(401);
    expect(
      (await proxied.json("POST", "/api/session", { username: "locked-out-admin", password: PASSWORD }, from("192.0.2.66"))).status,
    ).toBe(429);
    expect(
      (await proxied.json("POST", "/api/session", { username: "locked-out-admin", password: PASSWORD }, from("198.51.100.20"))).status,
    ).toBe(200);
  });

  it("with TRUST_PROXY, 100 failures for one username across addresses reach its ceiling: 429 from any address", async () => {
    const proxied = client(accountDeps(opened.db, { config: { trustProxy: true }, clock: deps.clock }));
    await proxied.register({ username: "botnet-target", password: PASSWORD, name: "b" });
    for (let i = 0; i < 100; i++) {
      const res = await proxied.json(
        "POST",
        "/api/session",
        { username: "botnet-target", password: "wrong guess" },
        { "x-forwarded-for": `10.1.${Math.floor(i / 4)}.${i % 4}` },
      );
      expect(res.status).toBe(401);
    }
    const blocked = await proxied.json(
      "POST",
      "/api/session",
      { username: "botnet-target", password: PASSWORD },
      { "x-forwarded-for": "198.51.100.21" },
    );
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    deps.clock.advance(15 * 60 * 1000);
    expect(
      (
        await proxied.json(
          "POST",
          "/api/session",
          { username: "botnet-target", password: PASSWORD },
          { "x-forwarded-for": "198.51.100.21" },
        )
      ).status,
    ).toBe(200);
  });

  it("with TRUST_PROXY, 20 failures from one address block that address for every username", async () => {
    const proxied = client(accountDeps(opened.db, { config: { trustProxy: true }, clock: deps.clock }));
    await proxied.register({ username: "behind-proxy", password: PASSWORD, name: "p" });
    const from = (ip: string) => ({ "x-forwarded-for": `203.0.113.99, ${ip}` });
    for (let i = 0; i < 20; i++) {
      expect(
        (await proxied.json("POST", "/api/session", { username: `spray-${i}`, password: "nope nope nope" }, from("198.51.100.7"))).status,
      ).toBe(401);
    }
    const blocked = await proxied.json("POST", "/api/session", { username: "behind-proxy", password: PASSWORD }, from("198.51.100.7"));
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another client address (the proxy's last entry) is not affected.
    expect(
      (await proxied.json("POST", "/api/session", { username: "behind-proxy", password: PASSWORD }, from("198.51.100.8"))).status,
    ).toBe(200);
  });

  it("with TRUST_PROXY, one address may create 20 accounts a window; the 21st is 429 and creates nothing", async () => {
    const proxied = client(accountDeps(opened.db, { config: { trustProxy: true }, clock: deps.clock }));
    const from = (ip: string) => ({ "x-forwarded-for": ip });
    const body = (i: number) => ({ username: `farm-${i}`, password: PASSWORD, name: "farm" });
    for (let i = 0; i < 20; i++) expect((await proxied.json("POST", "/api/accounts", body(i), from("198.51.100.20"))).status).toBe(201);
    const refused = await proxied.json("POST", "/api/accounts", body(20), from("198.51.100.20"));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await proxied.json("POST", "/api/session", { username: "farm-20", password: PASSWORD }, from("198.51.100.21"))).status).toBe(
      401,
    );
    expect((await proxied.json("POST", "/api/accounts", body(21), from("198.51.100.21"))).status).toBe(201);
  });

  it("without TRUST_PROXY, X-Forwarded-For is ignored (it could be forged)", async () => {
    const spoof = { "x-forwarded-for": "198.51.100.77" };
    for (let i = 0; i < 25; i++) expect((await wrong(`direct-${i}`, spoof)).status).toBe(401);
    const rows = await opened.db.select().from(loginAttempts);
    expect(rows.some((r) => r.key.includes("198.51.100.77"))).toBe(false);
  });
});
