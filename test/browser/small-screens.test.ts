import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_AGENT_ID } from "../../src/emulator";
import { auditPage } from "./a11y";
import { keepFailures, launchBrowser, screenshot, WAIT } from "./browser";
import { APP_CREDENTIALS, startStack, type Stack } from "./stack";

// A team of 50 imported members, looked at by its owner on a phone (WeCom's in-app browser) and
// on a desktop, in Chinese and in English.
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const LANGS = ["zh", "en"] as const;

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const url = (path: string) => `${stack.baseUrl}${path}`;

/** The job history's scrolling box: how wide its content is, and where its last cell ends. */
const HISTORY_BOX = `(function(){var b=document.querySelector("section[aria-labelledby=history] .scroll");var c=b.querySelector("tbody tr td:last-child");
return {scroll:b.scrollWidth,client:b.clientWidth,lastRight:c.getBoundingClientRect().right,boxRight:b.getBoundingClientRect().right}})()`;

async function inLang(lang: (typeof LANGS)[number]): Promise<void> {
  await context.addCookies([{ name: "wr_lang", value: lang, url: stack.baseUrl }]);
}

beforeAll(async () => {
  stack = await startStack({ departments: 5, users: 50, seed: 23 });
  expect((await stack.operator("POST", "/api/teams", { slug: "acme", name: "Acme" })).status).toBe(201);
  expect((await stack.operator("PUT", "/api/teams/acme/wecom", { ...APP_CREDENTIALS, agentId: DEFAULT_AGENT_ID })).status).toBe(200);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: DESKTOP, locale: "zh-CN" });
  page = await context.newPage();
  await page.goto(url("/register"));
  await page.fill("#f-username", "owner");
  await page.fill("#f-password", "correct horse battery");
  await page.fill("#f-name", "Owner");
  await page.click("button[type=submit]");
  await page.waitForLoadState();
  const me = (await (await page.request.get(url("/api/me"))).json()) as { account: { id: number } };
  expect((await stack.operator("POST", "/api/teams/acme/members", { accountId: me.account.id, role: "owner" })).status).toBe(201);
  await page.goto(url("/teams/acme/sync"));
  await page.click("#start-sync");
  await page.waitForSelector('#live-job[data-state="succeeded"]', WAIT);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

keepFailures(() => page, "small-screens-");

describe("phone and desktop, both languages", () => {
  it("the account page's Log out button reads at ≥ 4.5:1 (and every other text at 7:1)", async () => {
    for (const viewport of [PHONE, DESKTOP]) {
      for (const lang of LANGS) {
        await inLang(lang);
        await page.setViewportSize(viewport);
        await page.goto(url("/account"));
        const button = (await page.textContent("form[action=logout] button"))!;
        expect(button).toBe(lang === "zh" ? "退出登录" : "Log out");
        expect((await auditPage(page, 7)).lowContrast, `${lang} ${viewport.width}`).toEqual([]);
      }
    }
  });

  it("the job history shows its last column without scrolling sideways on a desktop", async () => {
    await page.setViewportSize(DESKTOP);
    // A second job held by the breaker: the widest state there is in the history.
    const org = (await stack.control("GET", "/org")) as { users: { userid: string }[] };
    for (const u of org.users.slice(-4)) await stack.control("DELETE", `/users/${u.userid}`);
    await page.goto(url("/teams/acme/sync"));
    await page.click("#start-sync");
    await page.waitForSelector('#live-job[data-state="needs_confirmation"]', WAIT);
    for (const lang of LANGS) {
      await inLang(lang);
      await page.goto(url("/teams/acme/sync"));
      const box = await page.evaluate<{ scroll: number; client: number; lastRight: number; boxRight: number }>(HISTORY_BOX);
      expect(box.scroll, lang).toBeLessThanOrEqual(box.client);
      expect(box.lastRight, lang).toBeLessThanOrEqual(box.boxRight);
    }
  });

  it("on a phone the members list is compact and the menu stays folded until opened", async () => {
    await page.setViewportSize(PHONE);
    for (const lang of LANGS) {
      await inLang(lang);
      await page.goto(url("/teams/acme/members"));
      // A full page: 50 of the 51 (the 50 from WeCom and the owner's own row).
      expect(await page.$$eval("#members tbody tr", (rows) => rows.length)).toBe(50);
      // One member takes at most two short lines, not one line per column.
      const rowHeights = await page.evaluate<number[]>(
        `[...document.querySelectorAll("#members tbody tr")].map((r) => r.getBoundingClientRect().height)`,
      );
      expect(Math.max(...rowHeights), lang).toBeLessThanOrEqual(80);
      if (process.env.CONSOLE_SCREENSHOTS) {
        await page.evaluate(`document.querySelector("#members").scrollIntoView()`);
        await screenshot(page, `small-screens-members-390-${lang}`, false);
      }
      const height = await page.evaluate<number>("document.documentElement.scrollHeight");
      expect(height, lang).toBeLessThan(5000);
      // The folded menu: the header with the menu fits in a fifth of the first screen.
      const header = await page.evaluate<number>(`document.querySelector("header").getBoundingClientRect().bottom`);
      expect(header, lang).toBeLessThan(PHONE.height / 5 + 60);
      expect(await page.isVisible("#menu a[aria-current=page]")).toBe(false);
      await page.click("#menu summary");
      await page.click(`#menu a:has-text("${lang === "zh" ? "审计日志" : "Audit log"}")`);
      await page.waitForURL(/\/teams\/acme\/audit$/);
      const report = await auditPage(page, 7);
      expect(report.unlabelled).toEqual([]);
      expect(report.lowContrast).toEqual([]);
      expect(await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")).toBeLessThanOrEqual(0);
    }
  });

  it("on a desktop the menu is a bar of links, with no fold, and the audit names who acted", async () => {
    await page.setViewportSize(DESKTOP);
    for (const lang of LANGS) {
      await inLang(lang);
      await page.goto(url("/teams/acme/members"));
      expect(await page.isVisible("#menu summary")).toBe(false);
      expect(await page.isVisible("nav ul.bar a[aria-current=page]")).toBe(true);
      expect(await page.textContent("nav ul.bar a[aria-current=page]")).toBe(lang === "zh" ? "成员" : "Members");
      // A policy change the owner made: the audit names them, with a link to their member page.
      await page.goto(url("/teams/acme/policy"));
      await page.check(lang === "zh" ? "#policy-lock" : "#policy-deauthorize");
      await page.click("#save-policy");
      await page.waitForURL(/ok=policy_saved/);
      await page.goto(url("/teams/acme/audit?action=policy.changed"));
      expect(await page.textContent("#audit a.actor >> nth=0")).toBe("Owner (owner)");
      await page.click("#audit a.actor >> nth=0");
      await page.waitForURL(/\/teams\/acme\/members\/\d+$/);
      expect(await page.textContent("h1")).toContain("Owner");
    }
  });

  it("changes the bot's admins on the WeCom page without typing a secret, on a phone and a desktop", async () => {
    const org = (await stack.control("GET", "/org")) as { users: { userid: string }[] };
    for (const [i, viewport] of [PHONE, DESKTOP].entries()) {
      for (const lang of LANGS) {
        await inLang(lang);
        await page.setViewportSize(viewport);
        await page.goto(url("/teams/acme/wecom"));
        const admin = org.users[i * 2 + (lang === "zh" ? 0 : 1)]!.userid;
        await page.fill("#f-admins", admin);
        await page.click("#save-admins");
        await page.waitForURL(/\/wecom\?ok=admins_saved$/);
        expect(await page.textContent("#bot-admins")).toBe(admin);
        expect(await page.textContent("[role=status]")).toBe(lang === "zh" ? "机器人管理员已保存。" : "The bot's admins are saved.");
        const report = await auditPage(page, 7);
        expect(report.unlabelled).toEqual([]);
        expect(report.lowContrast).toEqual([]);
        expect(await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")).toBeLessThanOrEqual(0);
      }
    }
  });
});
