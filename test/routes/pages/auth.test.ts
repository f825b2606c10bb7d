import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts, sessions } from "../../../src/db/schema";
import type { TestDeps } from "../../helpers/deps";
import { openTestDb } from "../../helpers/test-db";
import { accountDeps, client, CookieJar, csrfOf, PASSWORD, setCookies } from "../../services/accounts/helpers";

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
const accountRows = (key: string) => opened.db.select().from(accounts).where(eq(accounts.usernameKey, key));
const sessionCount = async () => (await opened.db.select().from(sessions)).length;

/** Opens a form page with the jar and returns its CSRF token. */
async function open(jar: CookieJar, path: string): Promise<string> {
  const res = await api.page(jar, path);
  expect(res.status).toBe(200);
  return csrfOf(await res.text());
}

describe("GET /login and /register", () => {
  it("renders a phone-friendly form in one language with a CSRF field, and sets the CSRF cookie", async () => {
    const jar = new CookieJar();
    const res = await api.page(jar, "/register");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('name="viewport"');
    for (const text of ["注册账号", "用户名", "密码", "姓名"]) expect(html).toContain(text);
    for (const text of ["Create an account", "Username", "Password"]) expect(html).not.toContain(text);
    const en = await (await api.request("/register", { headers: { "accept-language": "en-US,en;q=0.9" } })).text();
    for (const text of ["Create an account", "Username", "Password", "Name"]) expect(en).toContain(text);
    for (const text of ["注册账号", "用户名", "密码"]) expect(en).not.toContain(text);
    for (const field of ['name="username"', 'name="password"', 'name="name"', 'name="email"', 'name="_csrf"'])
      expect(html).toContain(field);
    expect(html).not.toContain("<script");
    const [csrfCookie] = setCookies(res).filter((c) => c.name === "__Host-wr_csrf");
    expect(csrfCookie!.attributes).toMatchObject({ httponly: true, samesite: "Lax", path: "/", secure: true });
    expect(csrfOf(html)).not.toBe(csrfCookie!.value);

    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("default-src 'none'");
    const nonce = /style-src 'nonce-([^']+)'/.exec(csp)![1]!;
    expect(html).toContain(`<style nonce="${nonce}">`);
    expect(res.headers.get("cache-control")).toBe("no-store");

    const login = await (await api.page(jar, "/login")).text();
    expect(login).toContain("登录");
    expect(login).toContain('autocomplete="current-password"');
  });

  it("keeps one CSRF cookie across pages", async () => {
    const jar = new CookieJar();
    await open(jar, "/login");
    const cookie = jar.get("__Host-wr_csrf");
    const res = await api.page(jar, "/register");
    expect(setCookies(res).filter((c) => c.name === "__Host-wr_csrf")).toEqual([]);
    expect(jar.get("__Host-wr_csrf")).toBe(cookie);
  });
});

describe("register, log in and log out through the forms", () => {
  it("registers, lands logged in on the account page, logs out, and logs in again", async () => {
    const jar = new CookieJar();
    const token = await open(jar, "/register");
    const registered = await api.form(jar, "/register", {
      _csrf: token,
      username: "FormUser",
      password: PASSWORD,
      name: "表单 <用户>",
      email: "",
    });
    expect(registered.status).toBe(303);
    expect(registered.headers.get("location")).toBe("account");
    expect(jar.get("__Host-wr_session")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [row] = await accountRows("formuser");
    expect(row).toMatchObject({ username: "FormUser", name: "表单 <用户>", email: null });

    const account = await api.page(jar, "/account");
    expect(account.status).toBe(200);
    const html = await account.text();
    expect(html).toContain("表单 &lt;用户&gt;");
    expect(html).toContain("FormUser");
    expect(html).toContain("退出登录");
    expect(html).toContain('<a href="teams" id="my-teams-link">');
    expect(html).toContain('href="/settings"');

    const out = await api.form(jar, "/logout", { _csrf: csrfOf(html) });
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("login");
    expect(jar.get("__Host-wr_session")).toBeUndefined();
    expect((await api.page(jar, "/account")).status).toBe(303);

    const again = await api.form(jar, "/login", { _csrf: await open(jar, "/login"), username: "formuser", password: PASSWORD });
    expect(again.status).toBe(303);
    // Without `next`, a sign-in lands on the team switcher (relative: a PUBLIC_URL path prefix is kept).
    expect(again.headers.get("location")).toBe("teams");
    expect((await api.page(jar, "/teams")).status).toBe(200);
    expect((await api.asBrowser(jar, "GET", "/api/me")).status).toBe(200);
  });

  it("follows a safe `next` path and ignores one that leaves the site", async () => {
    await api.register({ username: "next-user", password: PASSWORD, name: "n" });
    const jar = new CookieJar();
    const page = await (await api.page(jar, "/login?next=%2Fjoin%2Fabc")).text();
    expect(page).toContain('name="next" value="/join/abc"');
    const ok = await api.form(jar, "/login", { _csrf: csrfOf(page), username: "next-user", password: PASSWORD, next: "/join/abc" });
    expect(ok.headers.get("location")).toBe("/join/abc");

    for (const next of ["//evil.example/x", "https://evil.example", "/\\evil.example", "javascript:alert(1)"]) {
      const other = new CookieJar();
      const res = await api.form(other, "/login", { _csrf: await open(other, "/login"), username: "next-user", password: PASSWORD, next });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("teams");
    }
  });

  it("sends a logged-in browser from /login to its teams, or to a safe `next`", async () => {
    await api.register({ username: "already-in", password: PASSWORD, name: "a" });
    const jar = await api.login("already-in", PASSWORD);
    const res = await api.page(jar, "/login");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("teams");
    const next = await api.page(jar, "/login?next=%2Fsettings");
    expect(next.headers.get("location")).toBe("/settings");
  });

  it("re-renders the login form with one message for a wrong password or an unknown user", async () => {
    await api.register({ username: "form-wrong", password: PASSWORD, name: "w" });
    for (const username of ["form-wrong", "form-nobody"]) {
      const jar = new CookieJar();
      const res = await api.form(jar, "/login", { _csrf: await open(jar, "/login"), username, password: "not-the-password" });
      expect(res.status).toBe(401);
      const html = await res.text();
      expect(html).toContain("用户名或密码错误");
      expect(html).not.toContain("Wrong username or password");
      expect(html).toContain(`value="${username}"`);
      expect(html).not.toContain("not-the-password");
      expect(html).not.toMatch(/at \w+ \(|Error:/);
      expect(csrfOf(html)).toBeTruthy();
      expect(jar.get("__Host-wr_session")).toBeUndefined();
    }
  });

  it("re-renders the register form naming each bad field (422), keeping what was typed but not the password", async () => {
    const jar = new CookieJar();
    const res = await api.form(jar, "/register", {
      _csrf: await open(jar, "/register"),
      username: "x",
      password: "short-pw",
      name: "张三",
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('id="f-username-error"');
    expect(html).toContain('id="f-password-error"');
    expect(html).not.toContain('id="f-name-error"');
    expect(html).toContain('value="张三"');
    expect(html).not.toContain("short-pw");
    expect(html).toContain('aria-invalid="true"');
  });

  it("answers 409 for a username taken in another letter case", async () => {
    await api.register({ username: "TakenInForm", password: PASSWORD, name: "t" });
    const jar = new CookieJar();
    const res = await api.form(jar, "/register", {
      _csrf: await open(jar, "/register"),
      username: "takeninform",
      password: PASSWORD,
      name: "t",
    });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("已被使用");
  });

  it("answers 429 with Retry-After after 5 failed logins", async () => {
    const jar = new CookieJar();
    const token = await open(jar, "/login");
    for (let i = 0; i < 5; i++)
      expect((await api.form(jar, "/login", { _csrf: token, username: "form-throttle", password: "wrong-password" })).status).toBe(401);
    const res = await api.form(jar, "/login", { _csrf: token, username: "form-throttle", password: "wrong-password" });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await res.text()).toContain("登录失败次数过多");
  });
});

describe("CSRF on every form", () => {
  it.each([
    ["no token", (_t: string) => ({})],
    ["an empty token", (_t: string) => ({ _csrf: "" })],
    ["a wrong token", (t: string) => ({ _csrf: `${t.slice(0, -2)}xx` })],
  ])("refuses a register post with %s (403) and creates no account or session", async (_name, token) => {
    const jar = new CookieJar();
    const t = await open(jar, "/register");
    const before = await sessionCount();
    const res = await api.form(jar, "/register", { ...token(t), username: "csrf-victim", password: PASSWORD, name: "v" });
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain("表单已过期");
    expect(html).toContain("表单已过期");
    expect(await accountRows("csrf-victim")).toEqual([]);
    expect(await sessionCount()).toBe(before);
    expect(jar.get("__Host-wr_session")).toBeUndefined();
  });

  it("refuses a valid token sent without its cookie, or with another browser's cookie", async () => {
    const mine = new CookieJar();
    const token = await open(mine, "/register");
    const noCookie = await api.request("/register", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: token, username: "csrf-victim-2", password: PASSWORD, name: "v" }).toString(),
    });
    expect(noCookie.status).toBe(403);
    const other = new CookieJar();
    await open(other, "/register");
    expect((await api.form(other, "/register", { _csrf: token, username: "csrf-victim-2", password: PASSWORD, name: "v" })).status).toBe(
      403,
    );
    expect(await accountRows("csrf-victim-2")).toEqual([]);
  });

  it("refuses a login post without a valid token: no session, no cookie", async () => {
    await api.register({ username: "csrf-login", password: PASSWORD, name: "c" });
    const jar = new CookieJar();
    await open(jar, "/login");
    const before = await sessionCount();
    const res = await api.form(jar, "/login", { _csrf: "forged", username: "csrf-login", password: PASSWORD });
    expect(res.status).toBe(403);
    expect(setCookies(res).filter((c) => c.name === "__Host-wr_session")).toEqual([]);
    expect(await sessionCount()).toBe(before);
  });

  it("refuses a logout post without a valid token and keeps the session; the token is bound to the session", async () => {
    await api.register({ username: "csrf-logout", password: PASSWORD, name: "c" });
    const jar = await api.login("csrf-logout", PASSWORD);
    const preLogin = new CookieJar();
    const tokenBeforeLogin = await open(preLogin, "/login");
    jar.cookies.set("__Host-wr_csrf", preLogin.get("__Host-wr_csrf")!);
    // A token issued to this CSRF cookie before the session existed does not log the session out.
    const refused = await api.form(jar, "/logout", { _csrf: tokenBeforeLogin });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("表单已过期");
    const session = jar.get("__Host-wr_session")!;
    expect(
      await opened.db
        .select()
        .from(sessions)
        .where(eq(sessions.tokenHash, sha256(session))),
    ).toHaveLength(1);
    expect((await api.asBrowser(jar, "GET", "/api/me")).status).toBe(200);

    const accountPage = await (await api.page(jar, "/account")).text();
    expect((await api.form(jar, "/logout", { _csrf: csrfOf(accountPage) })).status).toBe(303);
    expect(
      await opened.db
        .select()
        .from(sessions)
        .where(eq(sessions.tokenHash, sha256(session))),
    ).toEqual([]);
  });
});
