import { randomBytes } from "node:crypto";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie } from "hono/cookie";
import { jsx } from "hono/jsx";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../../deps";
import { AppError } from "../../errors";
import { CSRF_COOKIE, CSRF_FIELD, csrfToken, isCsrfNonce, newCsrfNonce, verifyCsrf } from "../../security/csrf";
import { SESSION_COOKIE, sessionTokenHash } from "../../security/session";
import { readCookie, writeCookie } from "../cookies";
import { LANG_COOKIE, LangContext, pageLang, type Lang, type PageLang } from "../../views/lang";

/** The pieces every server-rendered page shares: headers, CSRF, form parsing, rendering. */

export const CSRF_MESSAGE =
  "表单已过期或来源不明，请重新提交 / The form has expired or did not come from this site; please submit it again";
export const FAILED_MESSAGE = "服务暂时出错，请稍后再试 / Something went wrong; please try again in a moment";

/**
 * What a page's CSP lets through beyond its own nonce'd styles: `scripts` for a nonce'd script that
 * listens to the job events stream (`connect-src 'self'`), `forms` for forms posted to this site
 * (`form-action 'self'`; else 'none'), `formTargets` for origins a form's POST may be redirected to.
 * Browsers apply form-action to every redirect after the submission too, so a POST answered with a
 * 303 to WeCom's OAuth or web login is blocked unless that origin is listed here.
 */
export interface PagePolicy {
  scripts: boolean;
  forms: boolean;
  formTargets?: readonly string[];
}

/**
 * The page policy of pages whose forms hand over to WeCom (self-binding, joining with an expired
 * pass): exactly the configured OAuth and web-login origins, nothing wider.
 */
export function wecomHandoverPolicy(c: Context<AppEnv>): PagePolicy {
  const { wecomOauthBase, wecomLoginBase } = c.env.deps.config;
  return { scripts: false, forms: true, formTargets: [...new Set([new URL(wecomOauthBase).origin, new URL(wecomLoginBase).origin])] };
}

/** Pages show account and team data and some URLs carry a capability: nothing may cache, frame or leak them. */
export function securityHeaders(c: Context<AppEnv>, nonce: string, policy: PagePolicy): void {
  c.header("Cache-Control", "no-store");
  c.header("Referrer-Policy", "no-referrer");
  c.header("X-Content-Type-Options", "nosniff");
  c.header("X-Frame-Options", "DENY");
  c.header("X-Robots-Tag", "noindex, nofollow");
  const csp = [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    ...(policy.scripts ? [`script-src 'nonce-${nonce}'`, "connect-src 'self'"] : []),
    "img-src 'self'",
    `form-action ${policy.forms ? ["'self'", ...(policy.formTargets ?? [])].join(" ") : "'none'"}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ];
  c.header("Content-Security-Policy", csp.join("; "));
}

/** A fresh CSP nonce for this response, with the headers that use it (by default a form page without scripts). */
export function newNonce(c: Context<AppEnv>, policy: PagePolicy = { scripts: false, forms: true }): string {
  const nonce = randomBytes(16).toString("base64");
  securityHeaders(c, nonce, policy);
  return nonce;
}

/** The person's language: the switch's cookie when it holds a valid choice, else Accept-Language. */
export function langOf(c: Context<AppEnv>): Lang {
  return pageLang(getCookie(c, LANG_COOKIE), c.req.header("accept-language"));
}

/**
 * The switch to the other language comes back to this page. A posted form's answer has no page to
 * come back to, and a refusal must not repeat the address it refused (it may carry a capability):
 * those switch and go home.
 */
function pageLangOf(c: Context<AppEnv>, status: number): PageLang {
  const lang = langOf(c);
  const base = basePath(c);
  const url = new URL(c.req.url);
  const back: Record<string, string> = c.req.method === "GET" && status < 400 ? { next: `${base}${url.pathname}${url.search}` } : {};
  return {
    lang,
    timeZone: c.env.deps.config.timeZone,
    switchHref: (to) => `${base}/lang?${new URLSearchParams({ to, ...back }).toString()}`,
  };
}

/** Renders a page in the person's language (views read it through views/lang.ts useLang). */
export async function html(c: Context<AppEnv>, page: JSX.Element, status: ContentfulStatusCode = 200): Promise<Response> {
  const inLang = jsx(LangContext.Provider, { value: pageLangOf(c, status) }, page);
  const body = await inLang.toString();
  return c.html(`<!doctype html>${body}`, status);
}

/** The path prefix of PUBLIC_URL ("" at the root), so links work behind a proxy that mounts us under a path. */
export function basePath(c: Context<AppEnv>): string {
  return new URL(c.env.deps.config.publicUrl).pathname.replace(/\/+$/, "");
}

/** Only a path on this site: never `//other.example`, `/\other`, a scheme or control characters. */
export function safeNext(value: string | undefined): string | undefined {
  if (value === undefined || value.length > 1000 || !value.startsWith("/") || value.startsWith("//")) return undefined;
  return /[\\\p{Cc}]/u.test(value) ? undefined : value;
}

/** The CSRF token is bound to the session cookie when there is one (security/csrf.ts). */
function csrfBinding(c: Context<AppEnv>): string {
  return sessionTokenHash(readCookie(c, SESSION_COOKIE)) ?? "";
}

/** The token for this page's forms; gives the browser a CSRF nonce cookie first if it has none. */
export function issueCsrf(c: Context<AppEnv>): string {
  const { config } = c.env.deps;
  let nonce = readCookie(c, CSRF_COOKIE);
  if (!isCsrfNonce(nonce)) {
    nonce = newCsrfNonce();
    writeCookie(c, CSRF_COOKIE, nonce);
  }
  return csrfToken(config.appSecret, nonce, csrfBinding(c));
}

/** A submitted form: single fields as strings, repeated fields (checkboxes) as lists; files are dropped. */
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

/** A body that is not a form reads as an empty one, which then fails the CSRF check. */
export async function readForm(c: Context<AppEnv>): Promise<Form> {
  let body: Record<string, unknown>;
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
  return verifyCsrf(c.env.deps.config.appSecret, readCookie(c, CSRF_COOKIE), csrfBinding(c), form.get(CSRF_FIELD));
}

/** A refused form's 429 says when to come back in the header too (the JSON mapper does the same). */
export function withRetryAfter(c: Context<AppEnv>, err: unknown): void {
  if (err instanceof AppError && err.code === "too_many_attempts" && typeof err.details?.retryAfterSeconds === "number") {
    c.header("Retry-After", String(err.details.retryAfterSeconds));
  }
}

export const formLimit = (maxSize: number) => bodyLimit({ maxSize, onError: (c) => c.text("请求体过大 / Request body too large", 413) });

/** Sign-in, join and settings forms carry a few short fields. */
export const smallForm = formLimit(16 * 1024);
