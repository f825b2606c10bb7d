import { describe, expect, it } from "vitest";
import { DEFAULT_AGENT_ID, DEFAULT_APP_SECRET, DEFAULT_CORP_ID, DEFAULT_SYNC_SECRET } from "../../src/emulator";
import { call, control, setup, token } from "./helpers";

describe("gettoken (docs/wecom.md#access-token)", () => {
  it("answers access_token + expires_in with the default credentials", async () => {
    const { emu } = setup();
    expect(DEFAULT_APP_SECRET).toHaveLength(43);
    const r = await call(emu, `/cgi-bin/gettoken?corpid=${DEFAULT_CORP_ID}&corpsecret=${DEFAULT_APP_SECRET}`);
    expect(r).toEqual({ errcode: 0, errmsg: "ok", access_token: expect.any(String) as unknown, expires_in: 7200 });
    expect((r.access_token as string).length).toBeLessThanOrEqual(512);
    const state = await control(emu, "GET", "/_emulator/state");
    expect(state).toMatchObject({
      corpId: DEFAULT_CORP_ID,
      apps: [{ agentId: DEFAULT_AGENT_ID, secret: DEFAULT_APP_SECRET, allowPartys: [1], restricted: true }],
      counts: { departments: 20, users: 200 },
    });
  });

  it("40013 for a bad corpid, 40001 for a bad secret, 41002/41004 when missing", async () => {
    const { emu } = setup();
    expect((await call(emu, `/cgi-bin/gettoken?corpid=wwother&corpsecret=${DEFAULT_APP_SECRET}`)).errcode).toBe(40013);
    expect((await call(emu, `/cgi-bin/gettoken?corpid=${DEFAULT_CORP_ID}&corpsecret=nope`)).errcode).toBe(40001);
    expect((await call(emu, `/cgi-bin/gettoken?corpsecret=nope`)).errcode).toBe(41002);
    expect((await call(emu, `/cgi-bin/gettoken?corpid=${DEFAULT_CORP_ID}`)).errcode).toBe(41004);
    const bad = await call(emu, `/cgi-bin/gettoken?corpid=${DEFAULT_CORP_ID}&corpsecret=nope`);
    expect(bad.errmsg).toContain("more info at https://open.work.weixin.qq.com/devtool/query?e=40001");
  });

  it("41001 without a token, 40014 for a garbled one, 42001 after forced expiry, and a fresh token works", async () => {
    const { emu } = setup();
    const t = await token(emu);
    expect((await call(emu, "/cgi-bin/department/list")).errcode).toBe(41001);
    expect((await call(emu, "/cgi-bin/department/list", { token: "garbled" })).errcode).toBe(40014);
    expect((await call(emu, "/cgi-bin/department/list", { token: t })).errcode).toBe(0);
    expect(await control(emu, "POST", "/_emulator/tokens/expire")).toEqual({ expired: 1 });
    expect((await call(emu, "/cgi-bin/department/list", { token: t })).errcode).toBe(42001);
    expect((await call(emu, "/cgi-bin/department/list", { token: await token(emu) })).errcode).toBe(0);
  });

  it("expires tokens after the configured ttl on the emulator clock", async () => {
    const { emu, clock } = setup({ tokenTtlSeconds: 60 });
    const r = await call(emu, `/cgi-bin/gettoken?corpid=${DEFAULT_CORP_ID}&corpsecret=${DEFAULT_APP_SECRET}`);
    expect(r.expires_in).toBe(60);
    clock.advance(59_000);
    expect((await call(emu, "/cgi-bin/department/list", { token: r.access_token as string })).errcode).toBe(0);
    clock.advance(1_000);
    expect((await call(emu, "/cgi-bin/department/list", { token: r.access_token as string })).errcode).toBe(42001);
  });

  it("a disabled app's secret gets 40001, and its existing token 50003 except on agent/get", async () => {
    const { emu } = setup();
    const t = await token(emu);
    await control(emu, "PUT", `/_emulator/apps/${DEFAULT_AGENT_ID}`, { close: 1 });
    expect((await call(emu, `/cgi-bin/gettoken?corpid=${DEFAULT_CORP_ID}&corpsecret=${DEFAULT_APP_SECRET}`)).errcode).toBe(40001);
    expect((await call(emu, "/cgi-bin/department/list", { token: t })).errcode).toBe(50003);
    expect(await call(emu, `/cgi-bin/agent/get?agentid=${DEFAULT_AGENT_ID}`, { token: t })).toMatchObject({ errcode: 0, close: 1 });
  });

  it("reset restores a configured corp and clears tokens and calls", async () => {
    const { emu } = setup();
    const t = await token(emu);
    await control(emu, "POST", "/_emulator/reset", {
      corpId: "wwacme",
      org: { generate: { departments: 5, users: 30, seed: 3 } },
      apps: [{ agentId: 1000009, secret: "acme-secret" }],
      contactSync: null,
      tokenTtlSeconds: 300,
    });
    expect((await call(emu, "/cgi-bin/department/list", { token: t })).errcode).toBe(40014);
    expect(await control(emu, "GET", "/_emulator/calls")).toMatchObject({ counts: { "department/list": 1 } });
    const r = await call(emu, "/cgi-bin/gettoken?corpid=wwacme&corpsecret=acme-secret");
    expect(r).toMatchObject({ errcode: 0, expires_in: 300 });
    expect((await call(emu, `/cgi-bin/gettoken?corpid=wwacme&corpsecret=${DEFAULT_SYNC_SECRET}`)).errcode).toBe(40001);
  });
});
