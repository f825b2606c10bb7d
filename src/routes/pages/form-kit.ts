import { randomBytes } from "node:crypto";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie, setCookie } from "hono/cookie";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../../deps";
import { AppError } from "../../errors";
import { CSRF_COOKIE, CSRF_FIELD, csrfToken, isCsrfNonce, newCsrfNonce, verifyCsrf } from "../../security/csrf";
import { cookieOptions, SESSION_COOKIE, sessionTokenHash } from "../../security/session";

/** The pieces every page with a form shares: headers, CSRF, form parsing, rendering. */

export const CSRF_MESSAGE = "表单已过期或来源不明，请重新提交 / The form has expired or did not come from this site; please submit it again";
export const FAILED_MESSAGE = "服务暂时出错，请稍后再试 / Something went wrong; please try again in a moment";

/** Like the job page's headers, but these pages post forms to themselves (and may follow OAuth redirects). */
function formPageHeaders(c: Context<AppEnv>, nonce: string): void {
  c.header("Cache-Control", "no-store");
  c.header("Referrer-Policy", "no-referrer");
  c.header("X-Content-Type-Options", "nosniff");
  c.header("X-Frame-Options", "DENY");
  c.header("X-Robots-Tag", "noindex, nofollow");
  c.header("Content-Security-Policy", `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`);
}

/** A fresh CSP nonce for this response, with the headers that use it. */
export function newNonce(c: Context<AppEnv>): string {
  const nonce = randomBytes(16).toString("base64");
  formPageHeaders(c, nonce);
  return nonce;
}

export async function html(c: Context<AppEnv>, page: JSX.Element, status: ContentfulStatusCode = 200): Promise<Response> {
  return c.html(`<!doctype html>${(await page).toString()}`, status);
}

/** Only a path on this site: never `//other.example`, `/\other`, a scheme or control characters. */
export function safeNext(value: string | undefined): string | undefined {
  if (value === undefined || value.length > 1000 || !value.startsWith("/") || value.startsWith("//")) return undefined;
  return /[\\\p{Cc}]/u.test(value) ? undefined : value;
}

/** The CSRF token is bound to the session cookie when there is one (security/csrf.ts). */
function csrfBinding(c: Context<AppEnv>): string {
  return sessionTokenHash(getCookie(c, SESSION_COOKIE)) ?? "";
}

/** The token for this page's form; gives the browser a CSRF nonce cookie first if it has none. */
export function issueCsrf(c: Context<AppEnv>): string {
  const { config } = c.env.deps;
  let nonce = getCookie(c, CSRF_COOKIE);
  if (!isCsrfNonce(nonce)) {
    nonce = newCsrfNonce();
    setCookie(c, CSRF_COOKIE, nonce, cookieOptions(config.publicUrl));
  }
  return csrfToken(config.appSecret, nonce, csrfBinding(c));
}

export type Form = Record<string, string | undefined>;

export async function readForm(c: Context<AppEnv>): Promise<Form> {
  let body: Record<string, unknown>;
  try {
    body = await c.req.parseBody();
  } catch {
    body = {};
  }
  const out: Form = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === "string") out[k] = v;
  return out;
}

export function csrfOk(c: Context<AppEnv>, form: Form): boolean {
  return verifyCsrf(c.env.deps.config.appSecret, getCookie(c, CSRF_COOKIE), csrfBinding(c), form[CSRF_FIELD]);
}

/** A refused form's 429 says when to come back in the header too (the JSON mapper does the same). */
export function withRetryAfter(c: Context<AppEnv>, err: unknown): void {
  if (err instanceof AppError && err.code === "too_many_attempts" && typeof err.details?.retryAfterSeconds === "number") {
    c.header("Retry-After", String(err.details.retryAfterSeconds));
  }
}

/** Forms carry a few short fields. */
export const smallForm = bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.text("请求体过大 / Request body too large", 413) });
