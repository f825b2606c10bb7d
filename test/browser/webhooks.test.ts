import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditPage, invisibleFocus } from "./a11y";
import { keepFailures, launchBrowser, screenshot } from "./browser";
import { startStack, type Stack } from "./stack";

let stack: Stack;
let browser: Browser;
let page: Page;
const url = (path: string) => `${stack.baseUrl}${path}`;

beforeAll(async () => {
  stack = await startStack();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
  expect((await stack.operator("POST", "/api/teams", { slug: "acme", name: "Acme 团队" })).status).toBe(201);
  const registered = await page.request.post(url("/api/accounts"), {
    data: { username: "hookadmin", password: "correct horse battery", name: "钩子 Admin" },
  });
  const { account } = (await registered.json()) as { account: { id: number } };
  expect((await stack.operator("POST", "/api/teams/acme/members", { accountId: account.id, role: "owner" })).status).toBe(201);
  expect(
    (await page.request.post(url("/api/session"), { data: { username: "hookadmin", password: "correct horse battery" } })).status(),
  ).toBe(200);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

keepFailures(() => page, "webhooks-");

/** Labels, contrast ≥ 7:1, visible focus, and nothing wider than the screen. */
async function meetsBasics(where: string): Promise<void> {
  const report = await auditPage(page, 7);
  expect(report.unlabelled, where).toEqual([]);
  expect(report.lowContrast, where).toEqual([]);
  expect(await invisibleFocus(page), where).toEqual([]);
  const overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
  expect(overflow, where).toBeLessThanOrEqual(0);
}

describe("the webhooks page in a real browser", () => {
  it("adds an endpoint through the form, shows its secret once, and lists it", async () => {
    await page.goto(url("/teams/acme/webhooks"));
    expect(await page.textContent("h1")).toBe("Webhook");
    await page.fill("#f-url", "https://hooks.example.com/roster/receive-every-member-and-department-change");
    await page.check("#ev-member\\.joined");
    await page.check("#ev-sync\\.failed");
    await page.click("#add-webhook");
    await page.waitForSelector("#created");
    expect(await page.textContent("#secret")).toMatch(/^whsec_/);
    const row = (await page.textContent("#endpoints tbody tr"))!;
    expect(row).toContain("member.joined");
    expect(row).toContain("正常");
    await page.goto(url("/teams/acme/webhooks"));
    expect(await page.$("#secret")).toBeNull();
  });

  it("meets the accessibility basics on a desktop and a phone, for the list and an endpoint's log", async () => {
    // A second endpoint, disabled: the state badge and the enable form are drawn too.
    await page.goto(url("/teams/acme/webhooks"));
    await page.fill("#f-url", "https://hooks.example.com/second");
    await page.click("#add-webhook");
    await page.waitForSelector("#created");
    await stack.deps.db.execute("update webhook_endpoints set disabled_at = now() where url like '%/second'");
    for (const viewport of [
      { width: 1280, height: 900 },
      { width: 390, height: 844 },
    ]) {
      await page.setViewportSize(viewport);
      await page.goto(url("/teams/acme/webhooks"));
      if (process.env.CONSOLE_SCREENSHOTS) await screenshot(page, `${viewport.width}-webhooks`, false);
      expect(await page.$$eval("[data-state=disabled]", (els) => els.length)).toBe(1);
      await meetsBasics(`list at ${viewport.width}px`);
      await page.click("#endpoints a[href*='ep_'] >> text=/second");
      await page.waitForSelector("#enable");
      await meetsBasics(`log at ${viewport.width}px`);
    }
  });
});
