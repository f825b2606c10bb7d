import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, invitations, members } from "../../../src/db/schema";
import { INVITATION_TTL_MS } from "../../../src/services/invitations/token";
import { BINDING } from "../../helpers/api";
import { FakeClock, type TestDeps } from "../../helpers/deps";
import { control } from "../../helpers/emulator";
import { importedTeam, type ImportedTeam } from "../../helpers/imported-team";
import { openTestDb } from "../../helpers/test-db";
import { accountDeps, client, CookieJar, csrfOf, PASSWORD, setCookies } from "../../services/accounts/helpers";

interface Sent {
  msgtype: string;
  body: { template_card?: { card_action?: { url: string } }; textcard?: { url: string } };
}

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
let clock: FakeClock;
let api: ReturnType<typeof client>;
let team: ImportedTeam;

beforeAll(async () => {
  opened = await openTestDb();
  clock = new FakeClock();
  deps = accountDeps(opened.db, { clock });
  api = client(deps);
  team = await importedTeam(deps, "acme");
});
afterAll(async () => opened.close());

const take = () => team.take();
const memberOf = (userId: string) => team.memberOf(userId);
const invitationOf = async (memberId: number) => {
  const rows = await opened.db.select().from(invitations).where(eq(invitations.memberId, memberId)).orderBy(asc(invitations.id));
  return rows.at(-1);
};

/** Authorizes the member through the API and returns the token of the link WeCom delivered. */
async function invite(userId: string): Promise<string> {
  const res = await api.json("POST", "/api/teams/acme/authorize", { wecomUserIds: [userId] });
  expect(res.status).toBe(200);
  const { messages } = (await control(deps, "GET", `/_emulator/messages?touser=${encodeURIComponent(userId.toLowerCase())}`)) as {
    messages: Sent[];
  };
  const last = messages.at(-1);
  const url = last?.msgtype === "template_card" ? last.body.template_card?.card_action?.url : last?.body.textcard?.url;
  const token = /\/join\/([A-Za-z0-9_-]{43})$/.exec(url ?? "")?.[1];
  if (!token) throw new Error(`no join link in ${JSON.stringify(last)}`);
  return token;
}

const get = async (jar: CookieJar, path: string, headers: Record<string, string> = {}) =>
  jar.store(await api.request(path, { headers: { ...jar.header(), ...headers }, redirect: "manual" }));

/**
 * What WeCom's in-app browser does with the join link: our page sends it to OAuth, WeCom (the
 * emulator, signed in as `asUser`) redirects back with a code, our callback checks it.
 * Returns the callback's response.
 */
async function throughWecom(jar: CookieJar, token: string, asUser: { userid: string } | { openid: string }): Promise<Response> {
  const first = await get(jar, `/join/${token}`);
  expect(first.status).toBe(302);
  const authorize = new URL(first.headers.get("location") ?? "");
  expect(`${authorize.origin}${authorize.pathname}`).toBe("https://open.weixin.qq.com/connect/oauth2/authorize");
  expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
    appid: BINDING.corpId,
    redirect_uri: "https://roster.example.com/join/oauth",
    response_type: "code",
    scope: "snsapi_base",
    agentid: String(BINDING.agentId),
  });
  expect(authorize.searchParams.get("state")).toMatch(/^[A-Za-z0-9]{32}$/);
  await control(deps, "POST", "/_emulator/oauth/sign-in", asUser);
  const back = await deps.emulator.fetch(authorize.toString(), { redirect: "manual" });
  expect(back.status).toBe(302);
  const callback = new URL(back.headers.get("location") ?? "");
  expect(callback.origin + callback.pathname).toBe("https://roster.example.com/join/oauth");
  return get(jar, callback.pathname + callback.search);
}

/** Opens the link as its invitee and returns the join form's HTML. */
async function openAsInvitee(jar: CookieJar, token: string, userid: string): Promise<string> {
  const back = await throughWecom(jar, token, { userid });
  expect(back.status).toBe(303);
  expect(back.headers.get("location")).toBe(`/join/${token}`);
  const page = await get(jar, `/join/${token}`);
  expect(page.status).toBe(200);
  return page.text();
}

const post = (jar: CookieJar, token: string, fields: Record<string, string>) => api.form(jar, `/join/${token}`, fields);

describe("GET /join/:token — the whole flow through WeCom OAuth", () => {
  it("registers a new account on the join page: the member is active, bound to the userid, the invitation consumed", async () => {
    const userid = take();
    const token = await invite(userid);
    const jar = new CookieJar();
    const html = await openAsInvitee(jar, token, userid);
    expect(html).toContain(userid);
    const res = await post(jar, token, {
      _csrf: csrfOf(html),
      action: "register",
      username: `new-${userid}`,
      password: PASSWORD,
      name: "新人",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/join/${token}`);
    expect(jar.get("__Host-wr_session")).toBeTruthy();

    const m = await memberOf(userid);
    expect(m).toMatchObject({ status: "active", role: "member" });
    expect(m.accountId).toBeGreaterThan(0);
    expect((await invitationOf(m.id))?.consumedAt).toBeInstanceOf(Date);
    const access = await api.json("GET", "/api/teams/acme/access", undefined, jar.header());
    expect(access.status).toBe(200);
    expect(await access.json()).toEqual({ role: "member" });
    const audit = await opened.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, String(m.id)), eq(auditLog.action, "member.joined")));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ initiator: "member", actor: `account:${m.accountId}` });

    const again = await get(jar, `/join/${token}`);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("你已加入");
  });

  it("puts registration first with the userid proposed; after a refusal it fills only the form that was sent, hint or problem but not both", async () => {
    const userid = take();
    await api.register({ username: `taken-${userid}`, password: PASSWORD, name: "占用" });
    const token = await invite(userid);
    const jar = new CookieJar();
    const html = await openAsInvitee(jar, token, userid);
    expect(html.indexOf('id="reg-username"')).toBeLessThan(html.indexOf('id="login-username"'));
    expect(html).toMatch(new RegExp(`id="reg-username" name="username" type="text" value="${userid}"`));
    expect(html).toMatch(/id="login-username" name="username" type="text" autocomplete/);

    const refused = await post(jar, token, {
      _csrf: csrfOf(html),
      action: "register",
      username: `taken-${userid}`,
      password: PASSWORD,
      name: "新人",
    });
    expect(refused.status).toBe(409);
    const again = await refused.text();
    expect(again).toMatch(new RegExp(`id="reg-username" name="username" type="text" value="taken-${userid}"`));
    expect(again).not.toMatch(/id="login-username"[^>]*value=/);
    // The username's problem replaces its hint rather than repeating beside it.
    expect(again).toContain('id="reg-username-error"');
    expect(again).not.toContain('id="reg-username-hint"');
  });

  it("logs in with an existing account and joins with it; the account keeps its id", async () => {
    const userid = take();
    const existing = await api.register({ username: `old-${userid}`, password: PASSWORD, name: "老用户" });
    const token = await invite(userid);
    const jar = new CookieJar();
    const html = await openAsInvitee(jar, token, userid);
    const res = await post(jar, token, { _csrf: csrfOf(html), action: "login", username: `old-${userid}`, password: PASSWORD });
    expect(res.status).toBe(303);
    expect(await memberOf(userid)).toMatchObject({ status: "active", accountId: existing.id });
  });

  it("joins with the account already logged in, after the page shows who that is", async () => {
    const userid = take();
    const mine = await api.register({ username: `sess-${userid}`, password: PASSWORD, name: "已登录" });
    const jar = await api.login(`sess-${userid}`, PASSWORD);
    const token = await invite(userid);
    const html = await openAsInvitee(jar, token, userid);
    expect(html).toContain(`sess-${userid}`);
    const res = await post(jar, token, { _csrf: csrfOf(html), action: "accept" });
    expect(res.status).toBe(303);
    expect(await memberOf(userid)).toMatchObject({ status: "active", accountId: mine.id });
  });

  it("shows 'for someone else' to a different WeCom user and changes nothing", async () => {
    const userid = take();
    const other = take();
    const token = await invite(userid);
    const before = await memberOf(userid);
    const res = await throughWecom(new CookieJar(), token, { userid: other });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("此邀请是发给其他人的");
    expect(await memberOf(userid)).toEqual(before);
    expect((await invitationOf(before.id))?.consumedAt).toBeNull();
  });

  it("refuses someone outside the corp (an openid, no userid)", async () => {
    const userid = take();
    const token = await invite(userid);
    const res = await throughWecom(new CookieJar(), token, { openid: "o-visitor-1" });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("不是该企业的成员");
    expect((await memberOf(userid)).status).toBe("invited");
  });

  it("speaks English to an English browser", async () => {
    const userid = take();
    const token = await invite(userid);
    const jar = new CookieJar();
    await throughWecom(jar, token, { userid });
    const page = await get(jar, `/join/${token}`, { "accept-language": "en-US,en;q=0.9,zh;q=0.5" });
    const html = await page.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain("Create account and join");
    expect(html).not.toContain("注册并加入");
  });
});

describe("GET /join/:token — links that cannot be used", () => {
  it("a reused link: the second account cannot join with it", async () => {
    const userid = take();
    const token = await invite(userid);
    const jar = new CookieJar();
    const html = await openAsInvitee(jar, token, userid);
    expect(
      (await post(jar, token, { _csrf: csrfOf(html), action: "register", username: `a-${userid}`, password: PASSWORD, name: "A" })).status,
    ).toBe(303);
    const winner = (await memberOf(userid)).accountId;

    const page = await get(new CookieJar(), `/join/${token}`);
    expect(page.status).toBe(409);
    expect(await page.text()).toContain("此邀请已被使用");
    expect((await memberOf(userid)).accountId).toBe(winner);
  });

  it("two tabs posting the same join at once: one joins, the other is refused, one audit entry", async () => {
    const userid = take();
    const token = await invite(userid);
    const jar = new CookieJar();
    const html = await openAsInvitee(jar, token, userid);
    const csrf = csrfOf(html);
    const [a, b] = await Promise.all([
      post(jar, token, { _csrf: csrf, action: "register", username: `t1-${userid}`, password: PASSWORD, name: "T1" }),
      post(jar, token, { _csrf: csrf, action: "register", username: `t2-${userid}`, password: PASSWORD, name: "T2" }),
    ]);
    expect([a.status, b.status].sort()).toEqual([303, 409]);
    const m = await memberOf(userid);
    const joined = await opened.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, String(m.id)), eq(auditLog.action, "member.joined")));
    expect(joined).toHaveLength(1);
  });

  it("an expired link says so (410) and sends nobody to WeCom", async () => {
    const userid = take();
    const token = await invite(userid);
    const jar = new CookieJar();
    const html = await openAsInvitee(jar, token, userid);
    clock.advance(INVITATION_TTL_MS + 1000);
    try {
      const page = await get(new CookieJar(), `/join/${token}`);
      expect(page.status).toBe(410);
      expect(await page.text()).toContain("邀请已过期");
      const late = await post(jar, token, {
        _csrf: csrfOf(html),
        action: "register",
        username: `late-${userid}`,
        password: PASSWORD,
        name: "Late",
      });
      expect(late.status).toBe(410);
      expect((await memberOf(userid)).status).toBe("invited");
      const login = await api.json("POST", "/api/session", { username: `late-${userid}`, password: PASSWORD });
      expect(login.status).toBe(401);
    } finally {
      clock.advance(-(INVITATION_TTL_MS + 1000));
    }
  });

  it("a tampered or made-up token is 404 and reveals nothing", async () => {
    const userid = take();
    const token = await invite(userid);
    const flipped = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    for (const t of [flipped, "short", "x".repeat(43), `${token}x`]) {
      const page = await get(new CookieJar(), `/join/${encodeURIComponent(t)}`);
      expect(page.status).toBe(404);
      expect(page.headers.get("location")).toBeNull();
    }
  });

  it("a locked member cannot join; the invitation stays unused", async () => {
    const userid = take();
    const token = await invite(userid);
    const jar = new CookieJar();
    const html = await openAsInvitee(jar, token, userid);
    const m = await memberOf(userid);
    await opened.db.update(members).set({ status: "locked", statusBefore: "invited" }).where(eq(members.id, m.id));
    const res = await post(jar, token, {
      _csrf: csrfOf(html),
      action: "register",
      username: `lk-${userid}`,
      password: PASSWORD,
      name: "Locked",
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("已被锁定");
    expect((await memberOf(userid)).accountId).toBeNull();
    expect((await invitationOf(m.id))?.consumedAt).toBeNull();
  });

  it("a re-sent invitation replaces the first link", async () => {
    const userid = take();
    const first = await invite(userid);
    clock.advance(61_000);
    const m = await memberOf(userid);
    expect((await api.json("POST", `/api/teams/acme/members/${m.id}/invitation`, {})).status).toBe(201);
    const page = await get(new CookieJar(), `/join/${first}`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain("已被新的邀请取代");
  });
});

describe("GET /join/:token — security", () => {
  it("an OAuth return without our state cookie, or with another state, is refused and sets no pass", async () => {
    const userid = take();
    const token = await invite(userid);
    const jar = new CookieJar();
    const first = await get(jar, `/join/${token}`);
    const authorize = new URL(first.headers.get("location") ?? "");
    await control(deps, "POST", "/_emulator/oauth/sign-in", { userid });
    const back = new URL((await deps.emulator.fetch(authorize.toString(), { redirect: "manual" })).headers.get("location") ?? "");
    const forged = new URL(back);
    forged.searchParams.set("state", "A".repeat(32));
    const wrongState = await get(jar, forged.pathname + forged.search);
    expect(wrongState.status).toBe(400);
    expect(jar.get("__Host-wr_join_pass")).toBeUndefined();
    const noCookie = await get(new CookieJar(), back.pathname + back.search);
    expect(noCookie.status).toBe(400);
  });

  it("the form refuses a post without the CSRF token, and a post without the WeCom pass goes back to OAuth", async () => {
    const userid = take();
    const token = await invite(userid);
    const jar = new CookieJar();
    await openAsInvitee(jar, token, userid);
    const noCsrf = await post(jar, token, { action: "register", username: `c-${userid}`, password: PASSWORD, name: "C" });
    expect(noCsrf.status).toBe(403);
    const noPass = await post(new CookieJar(), token, { action: "register", username: `d-${userid}`, password: PASSWORD, name: "D" });
    expect(noPass.status).toBe(302);
    expect((await memberOf(userid)).status).toBe("invited");
  });

  it("a forged pass cookie is ignored", async () => {
    const userid = take();
    const token = await invite(userid);
    const m = await memberOf(userid);
    const invitation = await invitationOf(m.id);
    const jar = new CookieJar();
    jar.cookies.set(
      "__Host-wr_join_pass",
      `${invitation?.id}.${Buffer.from(userid.toLowerCase()).toString("base64url")}.${"A".repeat(54)}`,
    );
    const page = await get(jar, `/join/${token}`);
    expect(page.status).toBe(302);
  });

  it("cookies are HttpOnly, SameSite=Lax and Secure under https", async () => {
    const userid = take();
    const token = await invite(userid);
    const res = await api.request(`/join/${token}`, { redirect: "manual" });
    const state = setCookies(res).find((c) => c.name === "__Host-wr_join_state");
    expect(state?.attributes).toMatchObject({ httponly: true, samesite: "Lax", secure: true, path: "/" });
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  });
});
