import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditPage, invisibleFocus } from "./a11y";
import { keepFailures, launchBrowser, screenshot, WAIT } from "./browser";
import { APP_CREDENTIALS, startStack, type Stack } from "./stack";

const MAIN_PAGES = ["", "/wecom", "/sync", "/departments", "/members", "/match", "/policy", "/audit"];

let stack: Stack;
let browser: Browser;
let page: Page;
const url = (path: string) => `${stack.baseUrl}${path}`;

beforeAll(async () => {
  stack = await startStack();
  browser = await launchBrowser();
  // A Chinese admin's browser; the language test below switches to English and back.
  page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: "zh-CN" });
  expect((await stack.operator("POST", "/api/teams", { slug: "acme", name: "Acme 团队" })).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

// A failed step keeps what the browser showed, and each main page as it is now.
keepFailures(
  () => page,
  "",
  async (p, name) => {
    for (const section of MAIN_PAGES) {
      await p.goto(url(`/teams/acme${section}`)).catch(() => undefined);
      await screenshot(p, `${name}-page${section.replace("/", "-") || "-overview"}`);
    }
  },
);

/** Starts a sync from the sync page and waits for the live card to settle in `state`. */
async function syncUntil(state: string): Promise<number> {
  await page.goto(url("/teams/acme/sync"));
  await page.click("#start-sync");
  await page.waitForURL(/\/sync\?job=\d+/);
  const jobId = Number(/job=(\d+)/.exec(page.url())![1]);
  await page.waitForSelector(`#live-job[data-state="${state}"]`, WAIT);
  return jobId;
}

describe("the admin console in a real browser", () => {
  it("registers, and the operator makes the account the team's owner", async () => {
    await page.goto(url("/teams/acme"));
    await page.waitForURL(/\/login\?next=/);
    await page.click("a[href^=register]");
    await page.fill("#f-username", "boss");
    await page.fill("#f-password", "correct horse battery");
    await page.fill("#f-name", "老板 Boss");
    await page.click("button[type=submit]");
    await page.waitForURL(/\/teams\/acme$/);
    expect(await page.textContent("body")).toContain("not_a_member");
    const me = (await (await page.request.get(url("/api/me"))).json()) as { account: { id: number } };
    expect((await stack.operator("POST", "/api/teams/acme/members", { accountId: me.account.id, role: "owner" })).status).toBe(201);
    await page.reload();
    expect(await page.textContent("#problem-not-bound")).toContain("尚未绑定企业微信");
  });

  it("signs in again without a destination, lands on its teams from the database, and opens the console there", async () => {
    await page.click("form[action$='/logout'] button[type=submit]");
    await page.waitForURL(/\/login$/);
    await page.fill("#f-username", "boss");
    await page.fill("#f-password", "correct horse battery");
    await page.click("button[type=submit]");
    await page.waitForURL(/\/teams$/);
    expect(await page.textContent("#my-teams li[data-slug=acme]")).toContain("所有者");
    await page.click("#my-teams li[data-slug=acme] a");
    await page.waitForURL(/\/teams\/acme$/);
    expect(await page.textContent("#team-name")).toBe("Acme 团队");
  });

  it("binds to the emulator through the form, checked live", async () => {
    await page.click("#problem-not-bound a");
    await page.waitForURL(/\/teams\/acme\/wecom$/);
    expect(await page.isVisible("button[data-copy=callback-url]")).toBe(true);
    expect(await page.textContent("#callback-url")).toBe(`${stack.baseUrl}/wecom/acme/callback`);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: stack.baseUrl });
    await page.click("button[data-copy=callback-url]");
    await page.waitForSelector("#callback-url-status:has-text('已复制')");
    expect(await page.evaluate<string>("navigator.clipboard.readText()")).toBe(`${stack.baseUrl}/wecom/acme/callback`);
    // The browser itself refuses a malformed key before anything is sent.
    await page.fill("#f-encodingAesKey", "short");
    expect(await page.$eval("#f-encodingAesKey", (el) => (el as unknown as { checkValidity(): boolean }).checkValidity())).toBe(false);
    for (const [k, v] of Object.entries(APP_CREDENTIALS)) await page.fill(`#f-${k}`, v);
    await page.click("form button[type=submit] >> nth=-1");
    await page.waitForSelector("#bind-result");
    expect(await page.textContent("#bind-result")).toContain("凭据校验通过");
  });

  it("imports with live progress reaching 100 %", async () => {
    // WeCom answers the first department listing slowly: the page opens while the job runs and follows it live.
    await stack.control("POST", "/faults", { api: "department/list", delayMs: 1500, times: 1 });
    await page.goto(url("/teams/acme/sync"));
    await page.click("#start-sync");
    await page.waitForURL(/\/sync\?job=\d+/);
    expect(await page.getAttribute("#live-job", "data-events")).toMatch(/\/events\?t=/);
    await page.waitForSelector('#live-job[data-state="succeeded"]', WAIT);
    expect(await page.textContent("#live-pct")).toBe("100");
    const history = await page.textContent("table.data");
    expect(history).toContain("已完成");
  });

  it("the job's own progress page (the link the bot sends) follows a sync live and reloads once it settles", async () => {
    await stack.control("POST", "/faults", { api: "department/list", delayMs: 1500, times: 1 });
    const started = await stack.operator("POST", "/api/teams/acme/sync");
    expect(started.status).toBe(202);
    const { job, progressUrl } = started.body as { job: { id: number }; progressUrl: string };
    let loads = 0;
    const count = () => void loads++;
    page.on("load", count);
    await page.goto(progressUrl);
    expect(await page.getAttribute("#job-state", "class")).not.toContain("state-succeeded");
    // The page's own script follows the events and reloads the page once when the job settles.
    await expect.poll(() => loads, WAIT).toBe(2);
    await page.waitForSelector("#job-state.state-succeeded", WAIT);
    page.off("load", count);
    expect(await page.textContent("#job-pct")).toBe("100");
    expect(await page.textContent("#job-state")).toBe("已完成");
    expect(page.url()).toBe(progressUrl);
    expect(await page.title()).toContain(`#${job.id}`);
  });

  it("authorizes a department, and the members page shows them invited", async () => {
    await page.goto(url("/teams/acme/departments"));
    const options = await page.$$eval("#f-auth-dept option", (os) => os.map((o) => (o as unknown as { value: string }).value));
    await page.selectOption("#f-auth-dept", options[1]!);
    await page.click("#authorize-department");
    // Nothing is sent before the admin has seen how many people the tree holds.
    await page.waitForSelector("#authorize-confirm");
    expect(await page.textContent("#confirm-count")).toMatch(/将对 \d+ 人授权/);
    await page.click("#confirm-authorize");
    await page.waitForURL(/\/members\?ok=authorized/);
    const invited = Number(/invited=(\d+)/.exec(page.url())![1]);
    expect(invited).toBeGreaterThan(0);
    await page.selectOption("#f-status", "invited");
    await page.click("#filter");
    await page.waitForURL(/status=invited/);
    expect(await page.$$eval("#members tbody tr", (rows) => rows.length)).toBe(invited);
    expect(await page.$$eval("#members .st-invited", (b) => b.length)).toBe(invited);
  });

  it("a member joins from the invitation in WeCom, and the members page shows them active", async () => {
    const userId = (await page.textContent("#members tbody tr td[data-label=UserID] code"))!.trim();
    const { messages } = (await stack.control("GET", `/messages?touser=${encodeURIComponent(userId)}`)) as {
      messages: { msgtype: string; body: { template_card?: { card_action?: { url?: string } }; textcard?: { url?: string } } }[];
    };
    const invitation = messages.at(-1)!;
    const joinUrl = invitation.body.template_card?.card_action?.url ?? invitation.body.textcard?.url;
    expect(joinUrl).toMatch(new RegExp(`^${stack.baseUrl}/join/`));
    await stack.control("POST", "/oauth/sign-in", { userid: userId });
    // The member's own phone: no cookies of the admin's.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      const member = await phone.newPage();
      await member.goto(joinUrl!);
      await member.waitForSelector("#reg-username");
      await member.fill("#reg-username", `m-${userId}`.slice(0, 60));
      await member.fill("#reg-password", "member password 123");
      await member.click("form:has(#reg-username) button[type=submit]");
      await member.waitForLoadState();
      expect(await member.textContent("body")).toMatch(/已加入|joined/i);
    } finally {
      await phone.close();
    }
    await page.goto(url(`/teams/acme/members?status=active&q=${encodeURIComponent(userId)}`));
    expect(await page.textContent("#members tbody")).toContain(userId);
    expect(await page.$$eval("#members .st-active", (b) => b.length)).toBe(1);
  });

  it("holds a mass deletion for the admin: reject, then allow", async () => {
    const org = (await stack.control("GET", "/org")) as { users: { userid: string }[] };
    for (const u of org.users.slice(-4)) await stack.control("DELETE", `/users/${u.userid}`);
    const first = await syncUntil("needs_confirmation");
    await page.goto(url(`/teams/acme/sync/${first}`));
    expect(await page.$$eval("#staged-list tbody tr", (rows) => rows.length)).toBe(4);
    await page.click("#reject");
    await page.waitForSelector('#live-job[data-state="succeeded"]', WAIT);
    expect(await page.textContent("body")).toContain("已拒绝离职处理");

    const second = await syncUntil("needs_confirmation");
    expect(second).toBeGreaterThan(first);
    await page.goto(url(`/teams/acme/sync/${second}`));
    await page.click("#allow");
    await page.waitForSelector('#live-job[data-state="succeeded"]', WAIT);
    await page.goto(url("/teams/acme/members?status=locked"));
    expect(await page.$$eval("#members tbody tr", (rows) => rows.length)).toBe(4);
  });

  it("works without JavaScript: filters, forms and the sync page's own refresh", async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false, storageState: await page.context().storageState() });
    try {
      const p = await noJs.newPage();
      await p.goto(url("/teams/acme/policy"));
      await p.check("#policy-deauthorize");
      await p.click("#save-policy");
      await p.waitForURL(/ok=policy_saved/);
      expect(await p.isChecked("#policy-deauthorize")).toBe(true);
      await p.goto(url("/teams/acme/members"));
      await p.fill("#f-q", "zzz-nobody");
      await p.click("#filter");
      await p.waitForURL(/q=zzz-nobody/);
      expect(await p.$$eval("#members tbody tr", (rows) => rows.length)).toBe(0);
      await p.goto(url("/teams/acme/sync"));
      expect(await p.isVisible("button[data-copy]")).toBe(false);
      await p.click("#start-sync");
      await p.waitForURL(/\/sync\?job=\d+/);
      // No EventSource here: the page refreshes itself (noscript meta refresh) until the job settles.
      await p.waitForSelector('#live-job[data-state="succeeded"]', WAIT);
    } finally {
      await noJs.close();
    }
  });

  it("meets the accessibility basics on every main page, on a phone and on a desktop", async () => {
    for (const viewport of [
      { width: 390, height: 844 },
      { width: 1280, height: 900 },
    ]) {
      await page.setViewportSize(viewport);
      for (const p of [...MAIN_PAGES.map((m) => `/teams/acme${m}`), "/teams"]) {
        await page.goto(url(p));
        // CONSOLE_SCREENSHOTS=1 keeps every page for a look, not only on failure.
        if (process.env.CONSOLE_SCREENSHOTS) await screenshot(page, `${viewport.width}${p.replaceAll("/", "-")}`, false);
        const report = await auditPage(page, 7);
        expect(report.unlabelled, p).toEqual([]);
        expect(report.lowContrast, p).toEqual([]);
        expect(await invisibleFocus(page), p).toEqual([]);
        // Nothing wider than the screen except inside a scrolling table box.
        const overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        expect(overflow, `${p} at ${viewport.width}px`).toBeLessThanOrEqual(0);
      }
    }
  });

  it("switches the console to English and back, remembered across pages, on a phone and on a desktop", async () => {
    for (const viewport of [
      { width: 390, height: 844 },
      { width: 1280, height: 900 },
    ]) {
      await page.setViewportSize(viewport);
      await page.goto(url("/teams/acme/members"));
      expect(await page.getAttribute("html", "lang")).toBe("zh-CN");
      expect(await page.textContent("#lang-switch")).toBe("English");
      await page.click("#lang-switch");
      await page.waitForURL(/\/teams\/acme\/members$/);
      expect(await page.getAttribute("html", "lang")).toBe("en");
      const nav = (await page.textContent("nav[aria-label=Console]"))!;
      expect(nav).toContain("Members");
      expect(nav).not.toContain("成员");
      // The browser still asks for Chinese; the remembered choice wins on the next page.
      await page.goto(url("/teams/acme/sync"));
      expect(await page.textContent("h1")).toBe("Import & sync");
      const report = await auditPage(page, 7);
      expect(report.unlabelled).toEqual([]);
      expect(report.lowContrast).toEqual([]);
      const overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
      expect(overflow).toBeLessThanOrEqual(0);
      await page.click("#lang-switch");
      await page.waitForURL(/\/teams\/acme\/sync$/);
      expect(await page.textContent("h1")).toBe("导入与同步");
    }
  });
});
