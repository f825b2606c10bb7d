import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_AGENT_ID } from "../../src/emulator";
import { keepFailures, launchBrowser, WAIT } from "./browser";
import { APP_CREDENTIALS, startStack, type Stack } from "./stack";

let stack: Stack;
let browser: Browser;
let page: Page;
let admin: string;
let member: { userid: string; name: string };

/** A reply from the app in the chat feed (not a line the member typed). */
const reply = (text: string) => `#feed .msg:not(.me):has-text(${JSON.stringify(text)})`;
const chatUrl = (as: string) => `${stack.emulatorUrl}/_emulator/chat?as=${encodeURIComponent(as)}`;

/** Types into the chat page's message box and sends, as a person would. */
async function say(content: string): Promise<void> {
  await page.fill("form.send input[name=content]", content);
  await Promise.all([page.waitForURL(/\/_emulator\/chat\?as=/), page.click("form.send button")]);
}

// Wired like `npm run demo` (src/entry/demo.ts): team "demo" bound with the org's first member as
// its bot admin, and the emulator pushing its callbacks to the service.
beforeAll(async () => {
  stack = await startStack({ departments: 4, users: 12, seed: 7 });
  const org = (await stack.control("GET", "/org")) as { users: { userid: string; name: string }[] };
  admin = org.users[0]!.userid;
  member = org.users[1]!;
  expect((await stack.operator("POST", "/api/teams", { slug: "demo", name: "演示团队 Demo team" })).status).toBe(201);
  const bound = await stack.operator("PUT", "/api/teams/demo/wecom", {
    ...APP_CREDENTIALS,
    agentId: DEFAULT_AGENT_ID,
    adminUserIds: [admin],
  });
  expect(bound.status).toBe(200);
  await stack.control("PUT", "/callback", {
    url: `${stack.baseUrl}/wecom/demo/callback`,
    token: APP_CREDENTIALS.token,
    encodingAesKey: APP_CREDENTIALS.encodingAesKey,
  });
  browser = await launchBrowser();
  // A phone in China: pages the service shows pick Chinese from Accept-Language.
  page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: "zh-CN" });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

keepFailures(() => page, "demo-chat-");

describe("the demo's chat page in a real browser: from 同步 to a member joining", () => {
  it("the admin types 同步 and the feed shows the summary with counts and a progress link that opens", async () => {
    await page.goto(chatUrl(admin));
    expect(await page.textContent("#feed")).toContain("还没有消息");
    await say("同步");
    await page.waitForSelector(reply("同步完成"), WAIT);
    const summary = (await page.textContent(reply("同步完成")))!;
    expect(summary).toMatch(/新建成员 \d+/);
    expect(summary).toContain(`${stack.baseUrl}/teams/demo/jobs/`);
    await Promise.all([
      page.waitForURL(new RegExp(`^${stack.baseUrl}/teams/demo/jobs/\\d+\\?t=`)),
      page.click(`${reply("同步完成")} a:has-text("/teams/demo/jobs/")`),
    ]);
    expect(await page.textContent("body")).toContain("已完成");
  });

  it("the admin authorizes another member by userid and sees how many were invited", async () => {
    await page.goto(chatUrl(admin));
    await say(`授权 ${member.userid}`);
    await page.waitForSelector(reply("授权完成"), WAIT);
    expect(await page.textContent(reply("授权完成"))).toContain("已发送邀请 1 人");
  });

  it("switched to that member, the invitation card's link opens the join page signed in as them, and they register", async () => {
    await Promise.all([
      page.waitForURL(chatUrl(member.userid)),
      page.click(`ul.users a:has(code:text-is(${JSON.stringify(member.userid)}))`),
    ]);
    await page.waitForSelector('#feed .card:has-text("加入「演示团队 Demo team」")', WAIT);
    await page.click('#feed .card a:has-text("打开邀请 Open invitation")');
    await page.waitForSelector("#reg-username", WAIT);
    expect(page.url().startsWith(stack.baseUrl)).toBe(true);
    await page.fill("#reg-username", `m-${member.userid}`.slice(0, 60));
    await page.fill("#reg-password", "member password 123");
    await page.fill("#reg-name", member.name);
    await Promise.all([page.waitForLoadState(), page.click("form:has(#reg-username) button[type=submit]")]);
    await page.waitForSelector("h1:has-text('你已加入')", WAIT);
    expect(await page.textContent("body")).toContain("演示团队 Demo team");

    const found = await stack.operator("GET", `/api/teams/demo/members?q=${encodeURIComponent(member.userid)}`);
    const items = (found.body as { items: { wecomUserId: string; status: string; accountId: number | null }[] }).items;
    const row = items.find((m) => m.wecomUserId === member.userid);
    expect(row?.status).toBe("active");
    expect(row?.accountId).toEqual(expect.any(Number));
  });

  it("a member who is not an admin is politely refused, and nothing is authorized", async () => {
    const other = ((await stack.control("GET", "/org")) as { users: { userid: string }[] }).users[2]!.userid;
    await page.goto(chatUrl(other));
    await say(`授权 ${other}`);
    await page.waitForSelector(reply("只有团队管理员"), WAIT);
    const found = await stack.operator("GET", `/api/teams/demo/members?q=${encodeURIComponent(other)}`);
    expect((found.body as { items: { wecomUserId: string; status: string }[] }).items.find((m) => m.wecomUserId === other)?.status).toBe(
      "imported",
    );
  });

  it("in English: the admin types help and gets the English command list", async () => {
    await page.goto(chatUrl(admin));
    await say("help");
    await page.waitForSelector(reply("Commands:"), WAIT);
    const help = (await page.textContent(reply("Commands:")))!;
    expect(help).toContain("sync");
    expect(help).toContain("authorize <userid…|department name|all>");
  });
});
