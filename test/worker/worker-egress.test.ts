import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workersEgress } from "../../src/entry/worker-egress";
import { WecomApiError } from "../../src/wecom/api-error";
import { hintFor } from "../../src/wecom/errcodes";
import { BINDING } from "../helpers/api";
import { testDeps, type TestDeps } from "../helpers/deps";
import { control } from "../helpers/emulator";
import { openTestDb } from "../helpers/test-db";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
beforeAll(async () => {
  opened = await openTestDb();
  deps = testDeps(opened.db);
});
afterAll(async () => opened.close());

const creds = { corpId: BINDING.corpId, agentId: String(BINDING.agentId), secret: BINDING.secret };
const errmsg =
  "not allow to access from your ip, hint: [x], from ip: 198.51.100.4, more info at https://open.work.weixin.qq.com/devtool/query?e=60020";

async function refusal(apiBase: string, errcode: number): Promise<WecomApiError> {
  // The token manager remembers a refused gettoken (60020 a minute, a bad secret ten); start past it.
  deps.clock.advance(11 * 60_000);
  await control(deps, "POST", "/_emulator/faults", { api: "*", errcode, errmsg, times: 1 });
  const err: unknown = await workersEgress(deps.wecom, apiBase)
    .for(creds)
    .getAgent()
    .catch((e: unknown) => e);
  if (!(err instanceof WecomApiError)) throw new Error(`expected a WecomApiError, got ${String(err)}`);
  return err;
}

describe("workersEgress (60020 on Workers)", () => {
  it("calling WeCom directly: says Workers have no fixed IP and names the relay remedy", async () => {
    const err = await refusal("https://qyapi.weixin.qq.com", 60020);
    expect(err).toMatchObject({ errcode: 60020, ip: "198.51.100.4" });
    expect(err.hint.zh).toContain("Cloudflare Workers 没有固定出口 IP");
    expect(err.hint.zh).toContain("WECOM_API_BASE");
    expect(err.hint.en).toContain("run a relay with a fixed egress IP");
    expect(err.message).toContain("point WECOM_API_BASE at it");
  });

  it("through a relay: the IP WeCom saw is the relay's, the one to trust", async () => {
    const err = await refusal("https://wecom-relay.example.com", 60020);
    expect(err.hint.en).toBe(
      "WeCom refused calls from IP 198.51.100.4 (60020): add the relay's (WECOM_API_BASE) egress IP 198.51.100.4 to the app's trusted IPs (takes about a minute)",
    );
  });

  it("leaves every other refusal, and the API's other members, as they are", async () => {
    const err = await refusal("https://qyapi.weixin.qq.com", 40001);
    expect(err.hint).toEqual(hintFor(40001, errmsg));
    expect(workersEgress(deps.wecom, "https://qyapi.weixin.qq.com").for(creds).corpId).toBe(BINDING.corpId);
    deps.clock.advance(11 * 60_000);
    await expect(workersEgress(deps.wecom, "https://qyapi.weixin.qq.com").for(creds).getAgent()).resolves.toMatchObject({
      agentId: String(BINDING.agentId),
    });
  });
});
