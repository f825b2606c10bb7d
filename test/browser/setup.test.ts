import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { memoryLogger } from "../helpers/deps";
import { auditPage, invisibleFocus } from "./a11y";
import { keepFailures, launchBrowser } from "./browser";
import { APP_CREDENTIALS, startStack, type Stack } from "./stack";

// A new service, set up by its operator in a browser: the setup page, then the WeCom binding form.
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const VIEWS = [
  { lang: "zh", viewport: PHONE },
  { lang: "en", viewport: PHONE },
  { lang: "zh", viewport: DESKTOP },
  { lang: "en", viewport: DESKTOP },
] as const;

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const url = (path: string) => `${stack.baseUrl}${path}`;

/** The codes the service printed, as the operator reads them off its log. */
const printedCodes = () =>
  (stack.deps.logger as ReturnType<typeof memoryLogger>).lines
    .filter((l) => l.msg === "setup code")
    .map((l) => String(l.fields?.setupCode));

async function show(lang: "zh" | "en", viewport: { width: number; height: number }, path: string): Promise<void> {
  await context.addCookies([{ name: "wr_lang", value: lang, url: stack.baseUrl }]);
  await page.setViewportSize(viewport);
  await page.goto(url(path));
}

/** Labels, 7:1 contrast, visible focus, and nothing wider than the screen. */
async function expectAccessible(where: string): Promise<void> {
  const report = await auditPage(page, 7);
  expect(report.unlabelled, where).toEqual([]);
  expect(report.lowContrast, where).toEqual([]);
  expect(await invisibleFocus(page), where).toEqual([]);
  expect(await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"), where).toBeLessThanOrEqual(0);
}

beforeAll(async () => {
  stack = await startStack();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: PHONE, locale: "zh-CN" });
  page = await context.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

keepFailures(() => page, "setup-");

describe("first run in a browser", () => {
  it("the start page leads to the setup form, readable on a phone and a desktop in both languages", async () => {
    await page.goto(url("/"));
    await page.waitForURL(/\/setup$/);
    for (const { lang, viewport } of VIEWS) {
      await show(lang, viewport, "/setup");
      const where = `${lang} ${viewport.width}`;
      expect(await page.textContent("h1"), where).toBe(lang === "zh" ? "初始设置" : "First-run setup");
      expect(await page.textContent("#code-where"), where).toContain("wrangler tail");
      await expectAccessible(where);
    }
    // Visiting the page printed a code (one a minute at most, however often it was shown).
    expect(printedCodes().length).toBeGreaterThan(0);
  });

  it("a wrong code is shown on the form, which keeps what was typed", async () => {
    for (const { lang, viewport } of [VIEWS[0], VIEWS[3]]) {
      await show(lang, viewport, "/setup");
      await page.fill("#f-code", "0000-0000-0000-0000");
      await page.fill("#f-name", "王所有者");
      await page.fill("#f-username", "owner");
      await page.fill("#f-password", "correct horse battery");
      await page.fill("#f-teamName", "Acme 团队");
      await page.fill("#f-teamSlug", "acme");
      await page.click("#setup-submit");
      await page.waitForSelector("#setup-error");
      const where = `${lang} ${viewport.width}`;
      expect(await page.textContent("#setup-error"), where).toBe(
        lang === "zh" ? "设置码不正确或已失效" : "The setup code is wrong, used or expired",
      );
      expect(await page.getAttribute("#f-code", "aria-invalid"), where).toBe("true");
      expect(await page.inputValue("#f-teamSlug"), where).toBe("acme");
      expect(await page.inputValue("#f-password"), where).toBe("");
      await expectAccessible(where);
    }
  });

  it("the printed code creates the owner and the team, signed in on the binding form, which binds checked live", async () => {
    await show("zh", PHONE, "/setup");
    await page.fill("#f-code", printedCodes().at(-1)!.toLowerCase());
    await page.fill("#f-name", "王所有者");
    await page.fill("#f-username", "owner");
    await page.fill("#f-password", "correct horse battery");
    await page.fill("#f-teamName", "Acme 团队");
    await page.fill("#f-teamSlug", "acme");
    await page.click("#setup-submit");
    await page.waitForURL(/\/teams\/acme\/wecom$/);
    const session = (await context.cookies(stack.baseUrl)).find((c) => c.name === "wr_session");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax" });

    for (const { lang, viewport } of VIEWS) {
      await show(lang, viewport, "/teams/acme/wecom");
      expect(await page.textContent("#callback-url")).toBe(`${stack.baseUrl}/wecom/acme/callback`);
      await expectAccessible(`binding ${lang} ${viewport.width}`);
    }
    await show("en", PHONE, "/teams/acme/wecom");
    for (const [k, v] of Object.entries(APP_CREDENTIALS)) await page.fill(`#f-${k}`, v);
    await page.click("form button[type=submit] >> nth=-1");
    await page.waitForSelector("#bind-result");
    expect(await page.textContent("#bind-result")).toContain("the credentials checked out");
  });

  it("afterwards the setup page is gone and says where to sign in", async () => {
    const printed = printedCodes().length;
    for (const { lang, viewport } of VIEWS) {
      await show(lang, viewport, "/setup");
      const where = `${lang} ${viewport.width}`;
      expect(await page.textContent("h1"), where).toBe(lang === "zh" ? "已完成初始设置" : "Already set up");
      expect(await page.$("#f-code"), where).toBeNull();
      await expectAccessible(where);
    }
    expect(printedCodes()).toHaveLength(printed);
  });
});
