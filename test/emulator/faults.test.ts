import { describe, expect, it } from "vitest";
import type { CallRecord } from "../../src/emulator";
import { call, control, setup, token } from "./helpers";

async function ready() {
  const s = setup();
  return { ...s, t: await token(s.emu) };
}

const list = (emu: Parameters<typeof call>[0], t: string) => call(emu, "/cgi-bin/department/list", { token: t });

describe("fault queue", () => {
  it("an errcode fault hits `times` calls, then calls succeed; other APIs are untouched", async () => {
    const { emu, t } = await ready();
    await control(emu, "POST", "/_emulator/faults", { api: "department/list", errcode: -1, errmsg: "system busy", times: 2 });
    expect(await list(emu, t)).toEqual({ errcode: -1, errmsg: "system busy" });
    expect((await call(emu, "/cgi-bin/department/simplelist", { token: t })).errcode).toBe(0);
    expect((await list(emu, t)).errcode).toBe(-1);
    expect((await list(emu, t)).errcode).toBe(0);
  });

  it("faults are consumed in order; afterCalls lets k calls pass first", async () => {
    const { emu, t } = await ready();
    await control(emu, "POST", "/_emulator/faults", [
      { api: "department/list", errcode: 45009, afterCalls: 2 },
      { api: "department/list", http: 502 },
    ]);
    expect((await list(emu, t)).errcode).toBe(0);
    expect((await list(emu, t)).errcode).toBe(0);
    expect((await list(emu, t)).errcode).toBe(45009);
    const res = await emu.fetch(`/cgi-bin/department/list?access_token=${t}`);
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect((await list(emu, t)).errcode).toBe(0);
    expect(await control(emu, "GET", "/_emulator/faults")).toEqual({ pending: [] });
  });

  it("truncate cuts the JSON body in half", async () => {
    const { emu, t } = await ready();
    const whole = await (await emu.fetch(`/cgi-bin/department/list?access_token=${t}`)).text();
    await control(emu, "POST", "/_emulator/faults", { api: "department/list", truncate: true });
    const res = await emu.fetch(`/cgi-bin/department/list?access_token=${t}`);
    expect(res.status).toBe(200);
    const cut = await res.text();
    expect(cut).toBe(whole.slice(0, Math.floor(whole.length / 2)));
    expect(() => JSON.parse(cut) as unknown).toThrow(SyntaxError);
  });

  it("reset rejects the in-process fetch like undici does", async () => {
    const { emu, t } = await ready();
    await control(emu, "POST", "/_emulator/faults", { api: "user/get", reset: true });
    const err = await emu.fetch(`/cgi-bin/user/get?userid=x&access_token=${t}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as TypeError).message).toBe("fetch failed");
  });

  it("delayMs slows a call; the caller's abort signal still fires", async () => {
    const { emu, t } = await ready();
    await control(emu, "POST", "/_emulator/faults", { api: "department/list", delayMs: 300 });
    const err = await emu.fetch(`/cgi-bin/department/list?access_token=${t}`, { signal: AbortSignal.timeout(20) }).catch((e: unknown) => e);
    expect((err as Error).name).toBe("TimeoutError");
  });

  it('api "*" matches every API, e.g. 60020 from an untrusted IP, gettoken included', async () => {
    const { emu } = setup();
    const errmsg =
      "not allow to access from your ip, hint: [..], from ip: 203.0.113.7, more info at https://open.work.weixin.qq.com/devtool/query?e=60020";
    await control(emu, "POST", "/_emulator/faults", { api: "*", errcode: 60020, errmsg, times: 2 });
    expect(await call(emu, "/cgi-bin/gettoken?corpid=x&corpsecret=y")).toEqual({ errcode: 60020, errmsg });
    expect((await call(emu, "/cgi-bin/user/get?userid=x", { token: "t" })).errcode).toBe(60020);
    expect((await call(emu, "/cgi-bin/user/get?userid=x", { token: "t" })).errcode).toBe(40014);
  });

  it("rejects malformed faults with 400", async () => {
    const { emu } = setup();
    await control(emu, "POST", "/_emulator/faults", { errcode: 1 }, 400);
    await control(emu, "POST", "/_emulator/faults", { api: "x" }, 400);
  });
});

describe("rate limit (docs/wecom.md#rate-limits)", () => {
  it("45009 beyond perMinute for that API, on the emulator clock", async () => {
    const { emu, clock, t } = await ready();
    await control(emu, "PUT", "/_emulator/rate-limit", { api: "user/list", perMinute: 3 });
    for (let i = 0; i < 3; i++) expect((await call(emu, "/cgi-bin/user/list?department_id=2", { token: t })).errcode).toBe(0);
    expect((await call(emu, "/cgi-bin/user/list?department_id=2", { token: t })).errcode).toBe(45009);
    expect((await list(emu, t)).errcode).toBe(0);
    clock.advance(60_000);
    expect((await call(emu, "/cgi-bin/user/list?department_id=2", { token: t })).errcode).toBe(0);
  });
});

describe("call log", () => {
  it("counts every call per API with its query and body; DELETE resets", async () => {
    const { emu, t } = await ready();
    await call(emu, "/cgi-bin/user/get?userid=nobody", { token: t });
    await call(emu, "/cgi-bin/message/send", {
      token: t,
      body: { touser: "nobody", msgtype: "text", agentid: 1000002, text: { content: "hi" } },
    });
    const calls = await control<{ counts: Record<string, number>; log: CallRecord[] }>(emu, "GET", "/_emulator/calls");
    expect(calls.counts).toEqual({ gettoken: 1, "user/get": 1, "message/send": 1 });
    expect(calls.log[1]).toMatchObject({ api: "user/get", method: "GET", query: { userid: "nobody", access_token: t }, errcode: 60111 });
    expect(calls.log[2]).toMatchObject({ api: "message/send", body: { touser: "nobody" }, errcode: 81013 });
    await control(emu, "DELETE", "/_emulator/calls");
    expect(await control(emu, "GET", "/_emulator/calls")).toEqual({ counts: {}, log: [] });
  });
});
