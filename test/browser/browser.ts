// A real browser for the browser tests: launched the same way everywhere, and a failed step leaves pictures.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterEach } from "vitest";

/** Debian's chromium, never a downloaded one (README.md, Quick start). */
const LAUNCH = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};
const ARTIFACTS = join("test-results", "browser");

/** How long a step waits for the page (a sync runs in the background meanwhile). */
export const WAIT = { timeout: 30_000 };

export const launchBrowser = (): Promise<Browser> => chromium.launch(LAUNCH);

/** Saves what the page shows now under test-results/ (gitignored); a picture that fails is no test failure. */
export async function screenshot(page: Page, file: string, fullPage = true): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${file}.png`), fullPage }).catch(() => undefined);
}

/**
 * A failed step keeps what the browser showed as `<prefix><test name>-failed.png`; `more` may add
 * pictures of other pages under the same name.
 */
export function keepFailures(pageOf: () => Page | undefined, prefix = "", more?: (page: Page, name: string) => Promise<void>): void {
  afterEach(async (ctx) => {
    const page = pageOf();
    if (ctx.task.result?.state !== "fail" || !page) return;
    const name = `${prefix}${ctx.task.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60)}`;
    await screenshot(page, `${name}-failed`);
    await more?.(page, name);
  });
}
