import { randomBytes } from "node:crypto";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie, setCookie } from "hono/cookie";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../../../deps";
import { CSRF_COOKIE, CSRF_FIELD, csrfToken, isCsrfNonce, newCsrfNonce, verifyCsrf } from "../../../security/csrf";
import { cookieOptions, SESSION_COOKIE, sessionTokenHash } from "../../../security/session";
import type { Flash } from "../../../views/console/shell";
import { FLASH, FLASH_COUNTS } from "../../../views/console/text";

/**
 * Console pages post forms to themselves and listen to the job events stream: unlike the job
 * page's pageHeaders (`form-action 'none'`), these allow `form-action 'self'` and `connect-src 'self'`.
 */
export function consoleHeaders(c: Context<AppEnv>, nonce: string): void {
  c.header("Cache-Control", "no-store");
  c.header("Referrer-Policy", "no-referrer");
  c.header("X-Content-Type-Options", "nosniff");
  c.header("X-Frame-Options", "DENY");
  c.header("X-Robots-Tag", "noindex, nofollow");
  c.header(
    "Content-Security-Policy",
    `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
  );
}

/** A fresh CSP nonce for this response, with the console's headers set. */
export function newNonce(c: Context<AppEnv>): string {
  const nonce = randomBytes(16).toString("base64");
  consoleHeaders(c, nonce);
  return nonce;
}

export async function render(c: Context<AppEnv>, page: JSX.Element, status: ContentfulStatusCode = 200): Promise<Response> {
  return c.html(`<!doctype html>${(await page).toString()}`, status);
}

/** The path prefix of PUBLIC_URL ("" at the root), so links work behind a proxy that mounts us under a path. */
export function basePath(c: Context<AppEnv>): string {
  return new URL(c.env.deps.config.publicUrl).pathname.replace(/\/+$/, "");
}

/** The CSRF token is bound to the session cookie (security/csrf.ts), as on the sign-in forms. */
function csrfBinding(c: Context<AppEnv>): string {
  return sessionTokenHash(getCookie(c, SESSION_COOKIE)) ?? "";
}

/** The token for this page's forms; gives the browser a CSRF nonce cookie first if it has none. */
export function issueCsrf(c: Context<AppEnv>): string {
  const { config } = c.env.deps;
  let nonce = getCookie(c, CSRF_COOKIE);
  if (!isCsrfNonce(nonce)) {
    nonce = newCsrfNonce();
    setCookie(c, CSRF_COOKIE, nonce, cookieOptions(config.publicUrl));
  }
  return csrfToken(config.appSecret, nonce, csrfBinding(c));
}

/** A submitted form: single fields as strings, repeated fields (checkboxes) as lists. */
export class Form {
  constructor(private readonly data: Record<string, string[]>) {}

  get(name: string): string | undefined {
    return this.data[name]?.[0];
  }

  all(name: string): string[] {
    return this.data[name] ?? [];
  }

  names(): string[] {
    return Object.keys(this.data);
  }
}

export async function readForm(c: Context<AppEnv>): Promise<Form> {
  let body: Record<string, unknown> = {};
  try {
    body = await c.req.parseBody({ all: true });
  } catch {
    body = {};
  }
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(body)) {
    const list = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string");
    if (list.length > 0) out[k] = list;
  }
  return new Form(out);
}

export function csrfOk(c: Context<AppEnv>, form: Form): boolean {
  return verifyCsrf(c.env.deps.config.appSecret, getCookie(c, CSRF_COOKIE), csrfBinding(c), form.get(CSRF_FIELD));
}

export const CSRF_MESSAGE = "表单已过期或来源不明，请返回重新提交 / The form has expired or did not come from this site; go back and submit it again";
export const FAILED_MESSAGE = "服务暂时出错，请稍后再试 / Something went wrong; please try again in a moment";

/** Console forms are small, except bulk authorize (up to a page of 500 userids). */
export const consoleForm = bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.text("请求体过大 / Request body too large", 413) });

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
