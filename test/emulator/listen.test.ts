import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, DEFAULT_APP_SECRET, DEFAULT_CORP_ID } from "../../src/emulator";

const emu = createEmulator();
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  server = await emu.listen();
});
afterAll(async () => server.close());

describe("over real HTTP", () => {
  it("serves the API and the control API", async () => {
    const res = await fetch(`${server.url}/cgi-bin/gettoken?corpid=${DEFAULT_CORP_ID}&corpsecret=${DEFAULT_APP_SECRET}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ errcode: 0, expires_in: 7200 });
    expect(await (await fetch(`${server.url}/_emulator/state`)).json()).toMatchObject({ corpId: DEFAULT_CORP_ID });
  });

  it("a reset fault drops the connection: fetch fails with a TypeError, the next call works", async () => {
    await fetch(`${server.url}/_emulator/faults`, { method: "POST", body: JSON.stringify({ api: "gettoken", reset: true }) });
    const err = await fetch(`${server.url}/cgi-bin/gettoken?corpid=${DEFAULT_CORP_ID}&corpsecret=${DEFAULT_APP_SECRET}`).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TypeError);
    const ok = await fetch(`${server.url}/cgi-bin/gettoken?corpid=${DEFAULT_CORP_ID}&corpsecret=${DEFAULT_APP_SECRET}`);
    expect(await ok.json()).toMatchObject({ errcode: 0 });
  });

  it("a 502 fault answers with that status", async () => {
    await fetch(`${server.url}/_emulator/faults`, { method: "POST", body: JSON.stringify({ api: "gettoken", http: 502 }) });
    const res = await fetch(`${server.url}/cgi-bin/gettoken?corpid=x&corpsecret=y`);
    expect(res.status).toBe(502);
    await res.text();
  });
});
