import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_AGENT_ID } from "../../src/emulator";
import { auditPage, invisibleFocus } from "./a11y";
import { keepFailures, launchBrowser, screenshot, WAIT } from "./browser";
import { APP_CREDENTIALS, startStack, type Stack } from "./stack";

// The overview's figures, a member's role and lock controls and the WeCom page's live visibility
// range, looked at by the team's owner on a phone and on a desktop, in Chinese and in English.
const VIEWPORTS = [
  { width: 390, height: 844 },
  { width: 1280, height: 900 },
];
const LANGS = ["zh", "en"] as const;

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const url = (path: string) => `${stack.baseUrl}${path}`;

async function inLang(lang: (typeof LANGS)[number]): Promise<void> {
  await context.addCookies([{ name: "wr_lang", value: lang, url: stack.baseUrl }]);
}

/** Labels, contrast (7:1 like every console page), visible focus, and nothing wider than the screen. */
async function expectAccessible(where: string): Promise<void> {
  const report = await auditPage(page, 7);
  expect(report.unlabelled, where).toEqual([]);
  expect(report.lowContrast, where).toEqual([]);
  expect(await invisibleFocus(page), where).toEqual([]);
  expect(await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"), where).toBeLessThanOrEqual(0);
  if (process.env.CONSOLE_SCREENSHOTS) await screenshot(page, `dashboard-${where.replaceAll(" ", "-")}`);
}

/** Each viewport in each language, the language remembered as the switch would. */
async function everyWay(fn: (lang: (typeof LANGS)[number], where: string) => Promise<void>): Promise<void> {
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    for (const lang of LANGS) {
      await inLang(lang);
      await fn(lang, `${lang} ${viewport.width}`);
    }
  }
}

beforeAll(async () => {
  stack = await startStack({ departments: 5, users: 24, seed: 31 });
  expect((await stack.operator("POST", "/api/teams", { slug: "acme", name: "Acme" })).status).toBe(201);
  expect((await stack.operator("PUT", "/api/teams/acme/wecom", { ...APP_CREDENTIALS, agentId: DEFAULT_AGENT_ID })).status).toBe(200);
  browser = await launchBrowser();
  context = await browser.newContext({ locale: "zh-CN" });
  page = await context.newPage();
  await page.goto(url("/register"));
  await page.fill("#f-username", "owner");
  await page.fill("#f-password", "correct horse battery");
  await page.fill("#f-name", "Owner");
  await page.click("button[type=submit]");
  await page.waitForLoadState();
  const me = (await (await page.request.get(url("/api/me"))).json()) as { account: { id: number } };
  expect((await stack.operator("POST", "/api/teams/acme/members", { accountId: me.account.id, role: "owner" })).status).toBe(201);
  for (let i = 0; i < 2; i++) {
    await page.goto(url("/teams/acme/sync"));
    await page.click("#start-sync");
    await page.waitForSelector('#live-job[data-state="succeeded"]', WAIT);
  }
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

keepFailures(() => page, "dashboard-");

describe("the overview as a dashboard", () => {
  it("shows members by status and the recent syncs as figures with names a screen reader reads, in either language", async () => {
    await everyWay(async (lang, where) => {
      await page.goto(url("/teams/acme"));
      const members = page.getByRole("img", { name: lang === "zh" ? "成员状态分布" : "Members by status" });
      const syncs = page.getByRole("img", { name: lang === "zh" ? "最近同步的用时与结果" : "Recent syncs: time taken and outcome" });
      expect(await members.isVisible(), where).toBe(true);
      expect(await syncs.isVisible(), where).toBe(true);
      // The description is part of the name: the figure's numbers without seeing it.
      expect(await members.getAttribute("aria-labelledby")).toBe("members-chart-title members-chart-desc");
      expect(await page.textContent("#members-chart-desc"), where).toContain(lang === "zh" ? "共 25 名成员" : "25 members in all");
      expect(await page.$$eval("#sync-chart rect[data-job]", (r) => r.length), where).toBe(2);
      // Bars fill their share of the figure's width, whatever the screen.
      const share = await page.evaluate<number>(
        `document.querySelector('#members-chart rect[data-status="imported"]').getBoundingClientRect().width / document.querySelector("#members-chart>svg").getBoundingClientRect().width`,
      );
      expect(share, where).toBeCloseTo(24 / 25, 1);
      await page.click("#sync-chart summary");
      expect(await page.$$eval("#sync-chart-data tbody tr", (r) => r.length), where).toBe(2);
      await expectAccessible(`overview ${where}`);
    });
  }, 180_000);
});

describe("a member's role and lock", () => {
  it("locks a member and makes another an admin, each after a confirmation page, on a phone and a desktop in either language", async () => {
    const listed = await stack.operator("GET", "/api/teams/acme/members?status=imported&limit=8");
    const ids = (listed.body as { items: { id: number }[] }).items.map((m) => m.id);
    let i = 0;
    await everyWay(async (lang, where) => {
      const [locked, promoted] = [ids[i++]!, ids[i++]!];
      await page.goto(url(`/teams/acme/members/${locked}`));
      await expectAccessible(`member ${where}`);
      await page.click("#lock-member");
      await page.waitForSelector("#member-confirm");
      expect(await page.textContent("#confirm-heading"), where).toMatch(lang === "zh" ? /^锁定 .+？$/ : /^Lock .+\?$/);
      await expectAccessible(`lock-confirm ${where}`);
      await page.click("#confirm-change");
      await page.waitForURL(/ok=locked$/);
      expect(await page.textContent("#member-status"), where).toBe(lang === "zh" ? "已锁定" : "locked");
      expect(await page.isVisible("#lock-member"), where).toBe(false);

      await page.goto(url(`/teams/acme/members/${promoted}`));
      await page.selectOption("#f-role", "admin");
      await page.click("#change-role");
      await page.waitForSelector("#member-confirm");
      expect(await page.textContent("#confirm-consequence"), where).toContain(
        lang === "zh" ? "加入后即为管理员" : "becomes an admin on joining",
      );
      await page.click("#confirm-change");
      await page.waitForURL(/ok=role_saved$/);
      expect(await page.textContent("#member-role"), where).toBe(lang === "zh" ? "管理员" : "admin");
      expect(await page.getAttribute("#f-role option[selected]", "value"), where).toBe("admin");
    });
  }, 240_000);

  it("cancels a lock from the confirmation page without a change, and works without JavaScript", async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false, storageState: await context.storageState() });
    await noJs.addCookies([{ name: "wr_lang", value: "en", url: stack.baseUrl }]);
    try {
      const p = await noJs.newPage();
      const listed = await stack.operator("GET", "/api/teams/acme/members?status=imported&limit=1");
      const id = (listed.body as { items: { id: number }[] }).items[0]!.id;
      await p.goto(url(`/teams/acme/members/${id}`));
      await p.click("#lock-member");
      await p.waitForSelector("#member-confirm");
      await p.click("#cancel-change");
      await p.waitForURL(new RegExp(`/members/${id}$`));
      expect(await p.textContent("#member-status")).toBe("imported");
    } finally {
      await noJs.close();
    }
  });
});

describe("the WeCom page's live visibility range", () => {
  it("shows the range WeCom reports as the page opens, and a clear message when WeCom refuses", async () => {
    await everyWay(async (lang, where) => {
      await page.goto(url("/teams/acme/wecom"));
      expect(await page.textContent("#visibility-summary"), where).toContain(
        lang === "zh" ? "整个企业（含根部门）" : "the whole company (root department)",
      );
      await expectAccessible(`wecom ${where}`);
      await stack.control("POST", "/faults", {
        api: "agent/get",
        errcode: 60020,
        errmsg: "not allow to access from your ip, from ip: 203.0.113.7",
        times: 1,
      });
      await page.goto(url("/teams/acme/wecom"));
      const alert = page.getByRole("alert");
      expect(await alert.textContent(), where).toContain(lang === "zh" ? "企业微信没有回答" : "WeCom did not answer");
      expect(await page.textContent("#visibility-errcode"), where).toBe("60020");
      expect(await page.isVisible("#admins-form"), where).toBe(true);
      await expectAccessible(`wecom-refused ${where}`);
    });
  }, 180_000);
});
