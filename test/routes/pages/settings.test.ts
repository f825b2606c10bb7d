import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, members } from "../../../src/db/schema";
import { BINDING } from "../../helpers/api";
import type { TestDeps } from "../../helpers/deps";
import { control } from "../../helpers/emulator";
import { importedTeam, type ImportedTeam } from "../../helpers/imported-team";
import { openTestDb } from "../../helpers/test-db";
import { accountDeps, client, CookieJar, csrfOf, PASSWORD } from "../../services/accounts/helpers";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
let api: ReturnType<typeof client>;
let team: ImportedTeam;

beforeAll(async () => {
  opened = await openTestDb();
  deps = accountDeps(opened.db);
  api = client(deps);
  team = await importedTeam(deps, "acme");
});
afterAll(async () => opened.close());

const take = () => team.take();
const wecomRow = (userId: string) => team.memberOf(userId);
const rowsOf = (accountId: number) =>
  opened.db
    .select()
    .from(members)
    .where(and(eq(members.teamId, team.teamId), eq(members.accountId, accountId)));

/** A logged-in account that is a (non-WeCom) member of acme with `role`. */
async function teamAccount(name: string, role: "member" | "admin" = "member"): Promise<{ id: number; jar: CookieJar }> {
  const { id } = await api.register({ username: name, password: PASSWORD, name });
  expect((await api.json("POST", "/api/teams/acme/members", { accountId: id, role })).status).toBe(201);
  return { id, jar: await api.login(name, PASSWORD) };
}

const get = async (jar: CookieJar, path: string, headers: Record<string, string> = {}) =>
  jar.store(await api.request(path, { headers: { ...jar.header(), ...headers }, redirect: "manual" }));

/** Settings → bind → WeCom (the emulator, signed in as `userid`) → our callback. Returns the callback's response. */
async function bindAs(jar: CookieJar, userid: string, headers: Record<string, string> = {}): Promise<Response> {
  const csrf = csrfOf(await (await get(jar, "/settings")).text());
  const start = await api.form(jar, "/settings/wecom/acme/bind", { _csrf: csrf }, headers);
  expect(start.status).toBe(303);
  const login = new URL(start.headers.get("location") ?? "");
  await control(deps, "POST", "/_emulator/oauth/sign-in", { userid });
  const back = await deps.emulator.fetch(login.toString(), { redirect: "manual" });
  expect(back.status).toBe(302);
  const callback = new URL(back.headers.get("location") ?? "");
  expect(callback.origin + callback.pathname).toBe("https://roster.example.com/settings/wecom/callback");
  return get(jar, callback.pathname + callback.search);
}

describe("/settings — binding one's own account to WeCom", () => {
  it("binds through WeCom web login from a desktop browser: the WeCom row takes over the account, role and standing", async () => {
    const userid = take();
    const me = await teamAccount(`bind-${userid}`, "admin");
    const csrf = csrfOf(await (await get(me.jar, "/settings")).text());
    const start = await api.form(me.jar, "/settings/wecom/acme/bind", { _csrf: csrf });
    const login = new URL(start.headers.get("location") ?? "");
    expect(`${login.origin}${login.pathname}`).toBe("https://login.work.weixin.qq.com/wwlogin/sso/login");
    expect(Object.fromEntries(login.searchParams)).toMatchObject({
      login_type: "CorpApp",
      appid: BINDING.corpId,
      agentid: String(BINDING.agentId),
      redirect_uri: "https://roster.example.com/settings/wecom/callback",
    });

    const res = await bindAs(me.jar, userid);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/settings?done=bound");
    const rows = await rowsOf(me.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ wecomUserKey: userid.toLowerCase(), status: "active", role: "admin" });
    const linked = await opened.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "member.linked"), eq(auditLog.subjectId, String(rows[0]?.id))));
    expect(linked[0]).toMatchObject({ initiator: "member", actor: `account:${me.id}`, after: { by: "self" } });
    const page = await (await get(me.jar, "/settings?done=bound")).text();
    expect(page).toContain(userid);
    expect(page).toContain("已绑定企业微信");
  });

  it("inside WeCom's own browser it uses the silent OAuth page instead", async () => {
    const userid = take();
    const me = await teamAccount(`inapp-${userid}`);
    const csrf = csrfOf(await (await get(me.jar, "/settings")).text());
    const ua = { "user-agent": "Mozilla/5.0 (iPhone) AppleWebKit wxwork/4.1.30 MicroMessenger/7.0.1" };
    const start = await api.form(me.jar, "/settings/wecom/acme/bind", { _csrf: csrf }, ua);
    const url = new URL(start.headers.get("location") ?? "");
    expect(`${url.origin}${url.pathname}`).toBe("https://open.weixin.qq.com/connect/oauth2/authorize");
    expect(url.searchParams.get("scope")).toBe("snsapi_base");
    expect((await bindAs(me.jar, userid, ua)).status).toBe(303);
    expect((await wecomRow(userid)).accountId).toBe(me.id);
  });

  it("refuses a userid already bound to another account, and changes nothing", async () => {
    const userid = take();
    const first = await teamAccount(`first-${userid}`);
    expect((await bindAs(first.jar, userid)).status).toBe(303);
    const second = await teamAccount(`second-${userid}`);
    const res = await bindAs(second.jar, userid);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("已绑定另一个账号");
    expect((await wecomRow(userid)).accountId).toBe(first.id);
    expect(await rowsOf(second.id)).toEqual([expect.objectContaining({ wecomUserKey: null, status: "active" })]);
  });

  it("refuses an account that is not in the team", async () => {
    const { id } = await api.register({ username: "outsider-1", password: PASSWORD, name: "Outsider" });
    const jar = await api.login("outsider-1", PASSWORD);
    const settings = await (await get(jar, "/settings")).text();
    expect(settings).toContain("你还不是任何团队的成员");
    const csrf = csrfOf(await (await get(jar, "/account")).text());
    const res = await api.form(jar, "/settings/wecom/acme/bind", { _csrf: csrf });
    expect(res.status).toBe(403);
    expect(await rowsOf(id)).toHaveLength(0);
  });

  it("unbinds: the account stays in the team as a non-WeCom member with its role; the WeCom row is imported again", async () => {
    const userid = take();
    const me = await teamAccount(`unbind-${userid}`, "admin");
    expect((await bindAs(me.jar, userid)).status).toBe(303);
    const csrf = csrfOf(await (await get(me.jar, "/settings")).text());
    const res = await api.form(me.jar, "/settings/wecom/acme/unbind", { _csrf: csrf });
    expect(res.status).toBe(303);
    expect(await wecomRow(userid)).toMatchObject({ accountId: null, status: "imported", role: null });
    expect(await rowsOf(me.id)).toEqual([expect.objectContaining({ wecomUserKey: null, status: "active", role: "admin" })]);
    expect((await api.json("GET", "/api/teams/acme/access", undefined, me.jar.header())).status).toBe(200);
  });

  it("a locked member cannot unbind their way out of the lock", async () => {
    const userid = take();
    const me = await teamAccount(`locked-${userid}`);
    expect((await bindAs(me.jar, userid)).status).toBe(303);
    await opened.db.update(members).set({ status: "locked", statusBefore: "active" }).where(eq(members.accountId, me.id));
    const csrf = csrfOf(await (await get(me.jar, "/settings")).text());
    const res = await api.form(me.jar, "/settings/wecom/acme/unbind", { _csrf: csrf });
    expect(res.status).toBe(403);
    expect(await wecomRow(userid)).toMatchObject({ accountId: me.id, status: "locked" });
  });
});

describe("/settings — security", () => {
  it("sends a visitor without a session to log in", async () => {
    const res = await get(new CookieJar(), "/settings");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?next=%2Fsettings");
  });

  it("refuses bind and unbind posts without the CSRF token", async () => {
    const userid = take();
    const me = await teamAccount(`csrf-${userid}`);
    expect((await api.form(me.jar, "/settings/wecom/acme/bind", {})).status).toBe(403);
    expect((await api.form(me.jar, "/settings/wecom/acme/unbind", {})).status).toBe(403);
  });

  it("refuses a callback whose state is not this browser's, binding nothing", async () => {
    const userid = take();
    const me = await teamAccount(`state-${userid}`);
    const csrf = csrfOf(await (await get(me.jar, "/settings")).text());
    const start = await api.form(me.jar, "/settings/wecom/acme/bind", { _csrf: csrf });
    await control(deps, "POST", "/_emulator/oauth/sign-in", { userid });
    const back = new URL(
      (await deps.emulator.fetch(start.headers.get("location") ?? "", { redirect: "manual" })).headers.get("location") ?? "",
    );
    // An attacker's own code and state, delivered to the victim's browser (login CSRF).
    const victim = await teamAccount(`victim-${userid}`);
    const res = await get(victim.jar, back.pathname + back.search);
    expect(res.status).toBe(400);
    const unlinked = await opened.db
      .select()
      .from(members)
      .where(and(eq(members.teamId, team.teamId), eq(members.wecomUserKey, userid.toLowerCase()), isNull(members.accountId)));
    expect(unlinked).toHaveLength(1);
  });
});
