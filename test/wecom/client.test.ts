import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { wecomRateWindows, wecomTokens } from "../../src/db/schema";
import { WecomApiError, WecomRetryableError } from "../../src/wecom/api-error";
import { createWecomClient } from "../../src/wecom/client";
import { wecomStorage } from "../../src/services/wecom-storage";
import { chooseListingStrategy } from "../../src/wecom/listing-strategy";
import { authorizeUrl } from "../../src/wecom/oauth-url";
import { BINDING } from "../helpers/api";
import { testDeps, type TestDeps } from "../helpers/deps";
import { anyUserId, control, wecomCalls } from "../helpers/emulator";
import { openTestDb } from "../helpers/test-db";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
const creds = { corpId: BINDING.corpId, agentId: String(BINDING.agentId), secret: BINDING.secret };

beforeAll(async () => {
  opened = await openTestDb({ poolSize: 10 });
});
afterAll(async () => opened.close());
beforeEach(async () => {
  await opened.db.delete(wecomTokens);
  await opened.db.delete(wecomRateWindows);
  deps = testDeps(opened.db);
  await control(deps, "POST", "/_emulator/reset", {
    corpId: BINDING.corpId,
    org: { generate: { departments: 20, users: 200, seed: 7 } },
    apps: [
      {
        agentId: BINDING.agentId,
        secret: BINDING.secret,
        name: "Roster",
        allowPartys: [1],
        allowUsers: [],
        allowTags: [],
        close: 0,
        restricted: true,
      },
    ],
    contactSync: { secret: "contact-sync-secret-000000000000000000000000", newIp: true },
  });
});

describe("token", () => {
  it("fetches one token for 50 concurrent callers and shares it through the database", async () => {
    const api = deps.wecom.for(creds);
    const results = await Promise.all(Array.from({ length: 50 }, () => api.listDepartments()));
    expect(results.every((r) => r.length === 20)).toBe(true);
    expect((await wecomCalls(deps)).gettoken).toBe(1);

    // Another instance (its own client, same database) uses the stored token.
    const other = createWecomClient({
      storage: wecomStorage(opened.db, deps.secrets),
      clock: deps.clock,
      logger: deps.logger,
      apiBase: "https://wecom.test",
      fetch: deps.emulator.fetch,
    });
    await other.for(creds).listDepartments();
    expect((await wecomCalls(deps)).gettoken).toBe(1);
    const [row] = await opened.db.select().from(wecomTokens);
    expect(row!.accessToken).toMatch(/^v1\./);
  });

  it("refreshes ahead of expiry, once", async () => {
    const api = deps.wecom.for(creds);
    await api.listDepartments();
    deps.clock.advance((7200 - 599) * 1000);
    await Promise.all([api.listDepartments(), api.listDepartments(), api.listDepartments()]);
    expect((await wecomCalls(deps)).gettoken).toBe(2);
  });

  it("after WeCom expires the token mid-sequence, refreshes exactly once and retries the call", async () => {
    const api = deps.wecom.for(creds);
    await api.listDepartments();
    await control(deps, "POST", "/_emulator/tokens/expire");
    const [a, b] = await Promise.all([api.listDepartments(), api.listDepartments()]);
    expect(a).toEqual(b);
    expect((await wecomCalls(deps)).gettoken).toBe(2);
    await api.getUser(await anyUserId(api));
    expect((await wecomCalls(deps)).gettoken).toBe(2);
  });

  it("on 40001 calls gettoken once, does not retry, remembers it, and forgets it when the secret changes", async () => {
    const bad = deps.wecom.for({ ...creds, secret: "wrong-secret-00000000000000000000000000000" });
    const err = await bad.listDepartments().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WecomApiError);
    expect(err).toMatchObject({ errcode: 40001, api: "gettoken" });
    expect((err as WecomApiError).hint.zh).toContain("Secret");
    await expect(bad.listDepartments()).rejects.toMatchObject({ errcode: 40001 });
    expect((await wecomCalls(deps)).gettoken).toBe(1);

    deps.clock.advance(11 * 60_000);
    await expect(bad.listDepartments()).rejects.toMatchObject({ errcode: 40001 });
    expect((await wecomCalls(deps)).gettoken).toBe(2);

    expect(await deps.wecom.for(creds).listDepartments()).toHaveLength(20);
    expect((await wecomCalls(deps)).gettoken).toBe(3);
  });

  it("reports 60020 with the IP WeCom saw and does not retry", async () => {
    await control(deps, "POST", "/_emulator/faults", {
      api: "*",
      errcode: 60020,
      errmsg:
        "not allow to access from your ip, hint: [1700000000_1_abc], from ip: 203.0.113.7, more info at https://open.work.weixin.qq.com/devtool/query?e=60020",
      times: 1,
    });
    const err = (await deps.wecom
      .for(creds)
      .listDepartments()
      .catch((e: unknown) => e)) as WecomApiError;
    expect(err).toMatchObject({ errcode: 60020, ip: "203.0.113.7" });
    expect(err.hint.en).toContain("203.0.113.7");
    expect(err.hint.zh).toContain("企业可信IP");
    expect(await wecomCalls(deps)).toMatchObject({ gettoken: 1 });
  });
});

describe("transient trouble", () => {
  it.each([
    ["a 45009 burst", { errcode: 45009, errmsg: "api freq out of limit", times: 3 }],
    ["-1 busy", { errcode: -1, errmsg: "system busy", times: 2 }],
    ["a 5xx burst", { http: 502, times: 3 }],
    ["truncated JSON", { truncate: true, times: 2 }],
    ["connection resets", { reset: true, times: 2 }],
  ])("absorbs %s with back-off, then succeeds", async (_name, fault) => {
    await control(deps, "POST", "/_emulator/faults", { api: "department/list", ...fault });
    const before = deps.clock.now().getTime();
    expect(await deps.wecom.for(creds).listDepartments()).toHaveLength(20);
    expect((await wecomCalls(deps))["department/list"]).toBe(fault.times + 1);
    expect(deps.clock.now().getTime()).toBeGreaterThan(before);
  });

  it("waits for the next minute window after 45009", async () => {
    deps.clock.set(Date.UTC(2026, 10, 25, 12, 0, 10));
    await control(deps, "POST", "/_emulator/faults", { api: "user/list", errcode: 45009, errmsg: "api freq out of limit", times: 1 });
    await deps.wecom.for(creds).listUsers(1);
    expect(deps.clock.now().getTime()).toBeGreaterThanOrEqual(Date.UTC(2026, 10, 25, 12, 1, 0));
  });

  it("gives up after bounded attempts with a typed retryable error", async () => {
    await control(deps, "POST", "/_emulator/faults", { api: "department/list", http: 503, times: 50 });
    const err = await deps.wecom
      .for(creds)
      .listDepartments()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WecomRetryableError);
    expect(err).toMatchObject({ api: "department/list", reason: "HTTP 503" });
    expect((await wecomCalls(deps))["department/list"]).toBe(5);
  });
});

describe("timeouts and real sockets", () => {
  const client = (extra: Partial<Parameters<typeof createWecomClient>[0]>) =>
    createWecomClient({
      storage: wecomStorage(opened.db, deps.secrets),
      clock: deps.clock,
      logger: deps.logger,
      apiBase: "https://wecom.test",
      fetch: deps.emulator.fetch,
      sleep: () => Promise.resolve(),
      ...extra,
    });

  it("retries a call that times out", async () => {
    await control(deps, "POST", "/_emulator/faults", { api: "department/get", delayMs: 500, times: 1 });
    const department = await client({ timeoutMs: 50 }).for(creds).getDepartment(1);
    expect(department).toMatchObject({ id: 1, parentid: 0 });
    expect((await wecomCalls(deps))["department/get"]).toBe(2);
  });

  it("works over HTTP against the emulator listening on a port, resets included", async () => {
    const server = await deps.emulator.listen(0);
    try {
      await control(deps, "POST", "/_emulator/faults", { api: "department/list", reset: true, times: 1 });
      const api = client({ apiBase: server.url, fetch: globalThis.fetch }).for(creds);
      expect(await api.listDepartments()).toHaveLength(20);
      expect((await wecomCalls(deps))["department/list"]).toBe(2);
    } finally {
      await server.close();
    }
  });
});

/** A client on the test database and emulator with its own budget (and sleep, to skip the wait). */
const budgetedClient = (budget: { perMinute: number; perHour: number }, sleep?: (ms: number) => Promise<void>) =>
  createWecomClient({
    storage: wecomStorage(opened.db, deps.secrets),
    clock: deps.clock,
    logger: deps.logger,
    apiBase: "https://wecom.test",
    fetch: deps.emulator.fetch,
    budget,
    ...(sleep ? { sleep } : {}),
  });

describe("budget", () => {
  it("keeps an API under its per-minute budget by waiting for the next window, shared by clients", async () => {
    deps.clock.set(Date.UTC(2026, 10, 25, 12, 0, 0));
    const limited = budgetedClient({ perMinute: 3, perHour: 1000 }, (ms) => Promise.resolve(deps.clock.advance(ms)));
    const api = limited.for(creds);
    for (let i = 0; i < 3; i++) await api.listUsers(1);
    expect(deps.clock.now().getTime()).toBe(Date.UTC(2026, 10, 25, 12, 0, 0));
    await api.listUsers(1);
    expect(deps.clock.now().getTime()).toBe(Date.UTC(2026, 10, 25, 12, 1, 0));
    expect((await wecomCalls(deps))["user/list"]).toBe(4);
    // An operator sees why a sync slowed down.
    expect(deps.logger.lines.filter((l) => l.msg === "wecom budget spent, waiting for the next window").map((l) => l.fields)).toEqual([
      { api: "user/list", waitMs: 60_000, window: "minute" },
    ]);
  });
});

describe("budget accounting", () => {
  it("60 concurrent calls draw the shared budget in chunks of 20 once each: 60 counted, not 60 chunks", async () => {
    deps.clock.set(Date.UTC(2026, 10, 25, 13, 0, 0));
    const client = budgetedClient({ perMinute: 5000, perHour: 75000 });
    const api = client.for(creds);
    await Promise.all(Array.from({ length: 60 }, () => api.listDepartmentIds()));
    const [row] = await opened.db
      .select()
      .from(wecomRateWindows)
      .where(
        and(
          eq(wecomRateWindows.api, "department/simplelist/min"),
          eq(wecomRateWindows.windowStart, new Date(Date.UTC(2026, 10, 25, 13, 0, 0))),
        ),
      );
    expect(row?.calls).toBe(60);
  });
});

describe("restricted fields and listing strategies", () => {
  it("gives no mobile or email to an app created after 2022-06-20, and both to an older one", async () => {
    const api = deps.wecom.for(creds);
    const someone = await anyUserId(api);
    const user = await api.getUser(someone);
    expect(user.name).toBeTruthy();
    expect(user.mobile).toBeUndefined();
    expect(user.email).toBeUndefined();
    expect(user.avatar).toBeUndefined();

    await control(deps, "PUT", `/_emulator/apps/${BINDING.agentId}`, { restricted: false });
    const full = await api.getUser(someone);
    expect(full.mobile ?? full.email).toBeTruthy();
  });

  it("chooses user/list for an app secret", async () => {
    expect(await chooseListingStrategy(deps.wecom.for(creds), 1)).toEqual({ strategy: "user/list", refused: [] });
  });

  it("falls back to user/list_id for a contact-sync secret from a new IP (48009)", async () => {
    const sync = deps.wecom.for({ ...creds, secret: "contact-sync-secret-000000000000000000000000" });
    expect(await chooseListingStrategy(sync, 1)).toEqual({
      strategy: "user/list_id+user/get",
      refused: [
        { strategy: "user/list", errcode: 48009 },
        { strategy: "user/simplelist+user/get", errcode: 48009 },
      ],
    });
    await expect(sync.getUser("anyone")).rejects.toMatchObject({ errcode: 48009 });
  });

  it("pages through user/list_id until the last page", async () => {
    const sync = deps.wecom.for({ ...creds, secret: "contact-sync-secret-000000000000000000000000" });
    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await sync.listUserIds(cursor, 50);
      page.rows.forEach((r) => seen.add(`${r.userid}:${r.department}`));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(3);
    const app = deps.wecom.for(creds);
    let memberships = 0;
    for (const d of await app.listDepartments()) memberships += (await app.listSimpleUsers(d.id)).length;
    expect(seen.size).toBe(memberships);
  });
});

describe("agent, messages and OAuth", () => {
  it("reads the app's visibility range", async () => {
    expect(await deps.wecom.for(creds).getAgent()).toMatchObject({ agentId: "1000002", allowPartyIds: [1], closed: false });
  });

  it("reports invalid users of a send, lower-cased", async () => {
    const api = deps.wecom.for(creds);
    const result = await api.sendMessage({ touser: [await anyUserId(api), "NoSuchUser"], msgtype: "text", text: { content: "你好" } });
    expect(result.invalidUsers).toEqual(["nosuchuser"]);
    await expect(api.sendMessage({ touser: ["NoSuchUser"], msgtype: "text", text: { content: "x" } })).rejects.toMatchObject({
      errcode: 81013,
    });
  });

  it("exchanges an OAuth code once for the signed-in member", async () => {
    const api = deps.wecom.for(creds);
    const userId = await anyUserId(api);
    await control(deps, "POST", "/_emulator/oauth/sign-in", { userid: userId });
    const url = authorizeUrl({
      oauthBase: "https://open.wecom.test",
      corpId: creds.corpId,
      agentId: creds.agentId,
      redirectUri: "https://roster.example.com/join/abc",
      state: "s1",
    });
    expect(url.endsWith("#wechat_redirect")).toBe(true);
    const res = await deps.emulator.fetch(url.replace("#wechat_redirect", ""), { redirect: "manual" });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get("location")!);
    expect(back.searchParams.get("state")).toBe("s1");
    const code = back.searchParams.get("code")!;
    expect(await api.getUserInfo(code)).toMatchObject({ kind: "member", userId });
    await expect(api.getUserInfo(code)).rejects.toMatchObject({ errcode: 40029 });
  });
});
