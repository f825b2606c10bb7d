import type { Context } from "hono";
import type { AppEnv } from "../../../deps";
import type { Flash } from "../../../views/console/shell";
import { FLASH, FLASH_COUNTS } from "../../../views/console/text";
import { formLimit, newNonce } from "../form-kit";

/** What the console adds to form-kit.ts: its page policy, body limit, ids from paths and flash notes. */

/** Console pages post forms to themselves and their live parts listen to the job events stream. */
export const consoleNonce = (c: Context<AppEnv>): string => newNonce(c, { scripts: true, forms: true });

/** The console shows a refused post on a page of its own, without the form: the way back is the browser's. */
export const CONSOLE_CSRF_MESSAGE =
  "表单已过期或来源不明，请返回重新提交 / The form has expired or did not come from this site; go back and submit it again";

/** Console forms are small, except bulk authorize (up to a page of 500 userids). */
export const consoleForm = formLimit(64 * 1024);

/** Only digits, up to 15 of them: a row id from a path or form. */
export const idOf = (v: string | undefined): number => (v !== undefined && /^\d{1,15}$/.test(v) ? Number(v) : NaN);

/** `?ok=<key>&<count>=<n>…` after a redirect: only known keys and whole numbers reach the page. */
export function flashOf(c: Context<AppEnv>): Flash | undefined {
  const key = c.req.query("ok");
  const message = key ? FLASH[key] : undefined;
  if (!message) return undefined;
  const counts: Flash["counts"] = [];
  for (const f of FLASH_COUNTS) {
    const raw = c.req.query(f.key);
    if (raw !== undefined && /^\d{1,9}$/.test(raw)) counts.push({ zh: f.zh, en: f.en, n: Number(raw) });
  }
  return { message, counts };
}

export function withFlash(url: string, key: keyof typeof FLASH, counts: Record<string, number> = {}): string {
  const q = new URLSearchParams({ ok: key });
  for (const [k, v] of Object.entries(counts)) q.set(k, String(v));
  return `${url}${url.includes("?") ? "&" : "?"}${q.toString()}`;
}
