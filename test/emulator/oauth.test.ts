import { describe, expect, it } from "vitest";
import { DEFAULT_AGENT_ID, DEFAULT_CORP_ID, type Emulator } from "../../src/emulator";
import { call, control, setup, token } from "./helpers";

const REDIRECT = "https://roster.example.com/join/abc";

function authorizeUrl(extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({
    appid: DEFAULT_CORP_ID,
    redirect_uri: REDIRECT,
    response_type: "code",
    scope: "snsapi_base",
    state: "s1",
    agentid: String(DEFAULT_AGENT_ID),
    ...extra,
  });
  // The #wechat_redirect fragment never reaches a server.
  return `https://open.emulator.test/connect/oauth2/authorize?${q.toString()}`;
}

async function codeFrom(emu: Emulator, url: string): Promise<{ code: string; state: string | null; location: URL }> {
  const res = await emu.fetch(url, { redirect: "manual" });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get("location") ?? "");
  return { code: location.searchParams.get("code") ?? "", state: location.searchParams.get("state"), location };
}

describe("OAuth (docs/wecom.md#oauth-and-web-login)", () => {
  it("authorize → code → getuserinfo for the signed-in member; the code works once (40029)", async () => {
    const { emu } = setup();
    const t = await token(emu);
    const member = [...emu.state.org.users.values()][0]!;
    await control(emu, "POST", "/_emulator/oauth/sign-in", { userid: member.userid.toUpperCase() });
    const { code, state, location } = await codeFrom(emu, authorizeUrl());
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(state).toBe("s1");
    expect(await call(emu, `/cgi-bin/auth/getuserinfo?code=${code}`, { token: t })).toEqual({
      errcode: 0,
      errmsg: "ok",
      userid: member.userid,
    });
    expect((await call(emu, `/cgi-bin/auth/getuserinfo?code=${code}`, { token: t })).errcode).toBe(40029);
    expect((await call(emu, "/cgi-bin/auth/getuserinfo?code=made-up", { token: t })).errcode).toBe(40029);
  });

  it("codes expire after 5 minutes (42003)", async () => {
    const { emu, clock } = setup();
    const t = await token(emu);
    await control(emu, "POST", "/_emulator/oauth/sign-in", { userid: [...emu.state.org.users.values()][0]!.userid });
    const { code } = await codeFrom(emu, authorizeUrl());
    clock.advance(5 * 60_000 + 1);
    expect((await call(emu, `/cgi-bin/auth/getuserinfo?code=${code}`, { token: t })).errcode).toBe(42003);
  });

  it("a non-member gets an openid and no userid", async () => {
    const { emu } = setup();
    const t = await token(emu);
    await control(emu, "POST", "/_emulator/oauth/sign-in", { openid: "oVisitor1" });
    const { code } = await codeFrom(emu, authorizeUrl());
    expect(await call(emu, `/cgi-bin/auth/getuserinfo?code=${code}`, { token: t })).toEqual({
      errcode: 0,
      errmsg: "ok",
      openid: "oVisitor1",
    });
  });

  it("snsapi_privateinfo yields a user_ticket; getuserdetail reveals the sensitive fields", async () => {
    const { emu } = setup();
    const t = await token(emu);
    const member = [...emu.state.org.users.values()][3]!;
    await control(emu, "POST", "/_emulator/oauth/sign-in", { userid: member.userid });
    const { code } = await codeFrom(emu, authorizeUrl({ scope: "snsapi_privateinfo" }));
    const info = await call(emu, `/cgi-bin/auth/getuserinfo?code=${code}`, { token: t });
    expect(info).toMatchObject({ errcode: 0, userid: member.userid, user_ticket: expect.any(String) as unknown });
    const detail = await call(emu, "/cgi-bin/auth/getuserdetail", { token: t, body: { user_ticket: info.user_ticket } });
    expect(detail).toMatchObject({
      errcode: 0,
      userid: member.userid,
      mobile: member.mobile,
      email: member.email,
      gender: member.gender,
      avatar: expect.any(String) as unknown,
      qr_code: expect.any(String) as unknown,
    });
  });

  it("web login (wwlogin/sso/login) behaves the same, without user_ticket", async () => {
    const { emu } = setup();
    const t = await token(emu);
    const member = [...emu.state.org.users.values()][1]!;
    await control(emu, "POST", "/_emulator/oauth/sign-in", { userid: member.userid });
    const q = new URLSearchParams({
      login_type: "CorpApp",
      appid: DEFAULT_CORP_ID,
      agentid: String(DEFAULT_AGENT_ID),
      redirect_uri: REDIRECT,
      state: "w1",
    });
    const { code, state } = await codeFrom(emu, `https://login.emulator.test/wwlogin/sso/login?${q.toString()}`);
    expect(state).toBe("w1");
    expect(await call(emu, `/cgi-bin/auth/getuserinfo?code=${code}`, { token: t })).toEqual({
      errcode: 0,
      errmsg: "ok",
      userid: member.userid,
    });
  });

  it("with nobody signed in, shows a picker whose links sign in and continue", async () => {
    const { emu } = setup();
    const res = await emu.fetch(authorizeUrl(), { redirect: "manual" });
    expect(res.status).toBe(200);
    const html = await res.text();
    const href = /href="(\/_emulator\/oauth\/continue\?userid=[^"]+)"/.exec(html)?.[1]?.replaceAll("&amp;", "&").replaceAll("&#38;", "&");
    expect(href).toBeDefined();
    const cont = await emu.fetch(href!, { redirect: "manual" });
    expect(cont.status).toBe(302);
    const next = cont.headers.get("location")!;
    expect(next.startsWith("/connect/oauth2/authorize?")).toBe(true);
    const { code } = await codeFrom(emu, next);
    expect((await call(emu, `/cgi-bin/auth/getuserinfo?code=${code}`, { token: await token(emu) })).userid).toBeTruthy();
  });

  it("50001 when redirect_uri is not on the app's trusted domain", async () => {
    const { emu } = setup();
    await control(emu, "PUT", `/_emulator/apps/${DEFAULT_AGENT_ID}`, { redirectDomain: "roster.example.com:8443" });
    const t = await token(emu);
    await control(emu, "POST", "/_emulator/oauth/sign-in", { userid: [...emu.state.org.users.values()][0]!.userid });
    const { code } = await codeFrom(emu, authorizeUrl());
    expect((await call(emu, `/cgi-bin/auth/getuserinfo?code=${code}`, { token: t })).errcode).toBe(50001);
  });
});
