// Forms that hand over to WeCom, in a real browser with the service's own headers (CSP included):
// a POST answered with a redirect to WeCom's OAuth or web login must not be blocked by
// `form-action`, which Chromium applies to the redirect after a submission too.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_AGENT_ID } from "../../src/emulator";
import { JOIN_PASS_COOKIE } from "../../src/security/join-pass";
import { keepFailures, launchBrowser, WAIT } from "./browser";
import { APP_CREDENTIALS, startStack, type Stack } from "./stack";

let stack: Stack;
let browser: Browser;
let context: BrowserContext | undefined;
let page: Page | undefined;
let users: string[];
/** Every path the browser asked of the emulator (WeCom), in order. */
const atWecom: string[] = [];

async function freshPage(): Promise<Page> {
  await context?.close();
  context = await browser.newContext({ locale: "zh-CN", viewport: { width: 390, height: 844 } });
  const p = await context.newPage();
  p.on("request", (r) => {
    if (r.url().startsWith(stack.emulatorUrl)) atWecom.push(new URL(r.url()).pathname);
  });
  atWecom.length = 0;
  page = p;
  return p;
}

interface MemberItem {
  wecomUserId: string;
  status: string;
  accountId: number | null;
}

async function memberOf(userid: string): Promise<MemberItem | undefined> {
  const found = await stack.operator("GET", `/api/teams/acme/members?q=${encodeURIComponent(userid)}`);
  return (found.body as { items: MemberItem[] }).items.find((m) => m.wecomUserId === userid);
}

beforeAll(async () => {
  stack = await startStack({ departments: 3, users: 8, seed: 5 });
  users = ((await stack.control("GET", "/org")) as { users: { userid: string; status: number }[] }).users
    .filter((u) => u.status === 1)
    .map((u) => u.userid);
  expect((await stack.operator("POST", "/api/teams", { slug: "acme", name: "Acme" })).status).toBe(201);
  expect((await stack.operator("PUT", "/api/teams/acme/wecom", { ...APP_CREDENTIALS, agentId: DEFAULT_AGENT_ID })).status).toBe(200);
  const started = await stack.operator("POST", "/api/teams/acme/sync");
  expect(started.status).toBe(202);
  browser = await launchBrowser();
  // The progress page reloads itself once the job settles.
  const p = await freshPage();
  await p.goto((started.body as { progressUrl: string }).progressUrl);
  await p.waitForSelector('#job[data-state="succeeded"]', WAIT);
}, 60_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await stack?.stop();
});

keepFailures(() => page, "handover-");

describe("handing over to WeCom from a form", () => {
  it("self-binding: the bind button reaches WeCom's web login (the emulator) and comes back bound", async () => {
    const userid = users[2]!;
    const account = await stack.operator("POST", "/api/accounts", { username: "binder", password: "binder password 1", name: "Binder" });
    expect(account.status).toBe(201);
    const accountId = (account.body as { account: { id: number } }).account.id;
    expect((await stack.operator("POST", "/api/teams/acme/members", { accountId })).status).toBe(201);
    await stack.control("POST", "/oauth/sign-in", { userid });

    const p = await freshPage();
    await p.goto(`${stack.baseUrl}/login?next=%2Fsettings`);
    await p.fill("input[name=username]", "binder");
    await p.fill("input[name=password]", "binder password 1");
    await Promise.all([p.waitForURL(`${stack.baseUrl}/settings`), p.click("form.card button[type=submit]")]);
    const csp = (await (await p.reload())!.headerValue("content-security-policy"))!;
    expect(csp).toContain(`form-action 'self' ${stack.emulatorUrl}`);

    await Promise.all([
      p.waitForURL(`${stack.baseUrl}/settings?done=bound`, WAIT),
      p.click('form[action="/settings/wecom/acme/bind"] button'),
    ]);
    expect(atWecom).toContain("/wwlogin/sso/login");
    expect(await p.textContent("body")).toContain(userid);
    expect(await memberOf(userid)).toMatchObject({ accountId, status: "active" });
  });

  it("joining after the join pass expired: the submitted form goes through WeCom OAuth again, then joins", async () => {
    const userid = users[3]!;
    const authorized = await stack.operator("POST", "/api/teams/acme/authorize", { wecomUserIds: [userid] });
    expect(authorized.body).toMatchObject({ invited: 1 });
    const sent = JSON.stringify(await stack.control("GET", `/messages?touser=${encodeURIComponent(userid.toLowerCase())}`));
    const link = new RegExp(`${stack.baseUrl}/join/[A-Za-z0-9_-]+`).exec(sent)?.[0];
    expect(link).toBeDefined();
    await stack.control("POST", "/oauth/sign-in", { userid });

    const p = await freshPage();
    await p.goto(link!);
    await p.waitForSelector("#reg-username", WAIT);
    expect(atWecom).toContain("/connect/oauth2/authorize");
    // The 30-minute pass runs out while the form is open: the browser no longer sends it.
    await context!.clearCookies({ name: JOIN_PASS_COOKIE });
    atWecom.length = 0;
    await p.fill("#reg-username", "late-joiner");
    await p.fill("#reg-password", "late joiner password");
    // The form's URL is the link itself: wait for the trip back from WeCom, then for the link again
    // (WeCom's `#wechat_redirect` fragment stays on the URL through the redirects).
    const linkPath = new URL(link!).pathname;
    await Promise.all([
      p.waitForResponse((r) => new URL(r.url()).pathname === "/join/oauth", WAIT),
      p.click("form:has(#reg-username) button[type=submit]"),
    ]);
    await p.waitForURL((u) => u.pathname === linkPath, WAIT);
    expect(atWecom).toContain("/connect/oauth2/authorize");
    expect(await memberOf(userid)).toMatchObject({ accountId: null, status: "invited" });

    // Back with a fresh pass: the same form now joins.
    await p.waitForSelector("#reg-username", WAIT);
    await p.fill("#reg-username", "late-joiner");
    await p.fill("#reg-password", "late joiner password");
    await Promise.all([p.waitForLoadState(), p.click("form:has(#reg-username) button[type=submit]")]);
    await p.waitForSelector("h1:has-text('你已加入')", WAIT);
    const joined = await memberOf(userid);
    expect(joined?.status).toBe("active");
    expect(typeof joined?.accountId).toBe("number");
  });
});
