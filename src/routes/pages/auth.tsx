import { randomBytes } from "node:crypto";
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie, setCookie } from "hono/cookie";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../../deps";
import { AppError } from "../../errors";
import type { Caller } from "../../services/accounts/caller";
import { logIn } from "../../services/accounts/log-in";
import { logOut } from "../../services/accounts/log-out";
import { registerAndLogIn } from "../../services/accounts/register-and-log-in";
import { CSRF_COOKIE, CSRF_FIELD, csrfToken, isCsrfNonce, newCsrfNonce, verifyCsrf } from "../../security/csrf";
import { cookieOptions, SESSION_COOKIE, sessionTokenHash } from "../../security/session";
import { AccountPage, AuthPage, type AuthPageProps, type FormError } from "../../views/auth";
import { withRetryAfter } from "../api/accounts";
import { clearSessionCookie, clientIp, sessionAccount, setSessionCookie } from "../session-auth";

const visitor: Caller = { kind: "system", reason: "visitor" };

const CSRF_MESSAGE = "表单已过期或来源不明，请重新提交 / The form has expired or did not come from this site; please submit it again";
const FAILED_MESSAGE = "服务暂时出错，请稍后再试 / Something went wrong; please try again in a moment";

/** Like the job page's headers, but these pages post forms to themselves. */
function pageHeaders(c: Context<AppEnv>, nonce: string): void {
  c.header("Cache-Control", "no-store");
  c.header("Referrer-Policy", "no-referrer");
  c.header("X-Content-Type-Options", "nosniff");
  c.header("X-Frame-Options", "DENY");
  c.header("X-Robots-Tag", "noindex, nofollow");
  c.header("Content-Security-Policy", `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`);
}

async function html(c: Context<AppEnv>, page: JSX.Element, status: ContentfulStatusCode = 200): Promise<Response> {
  return c.html(`<!doctype html>${(await page).toString()}`, status);
}

/** Only a path on this site: never `//other.example`, `/\other`, a scheme or control characters. */
function safeNext(value: string | undefined): string | undefined {
  if (value === undefined || value.length > 1000 || !value.startsWith("/") || value.startsWith("//")) return undefined;
  return /[\\\p{Cc}]/u.test(value) ? undefined : value;
}

/** The CSRF token is bound to the session cookie when there is one (security/csrf.ts). */
function csrfBinding(c: Context<AppEnv>): string {
  return sessionTokenHash(getCookie(c, SESSION_COOKIE)) ?? "";
}

/** The token for this page's form; gives the browser a CSRF nonce cookie first if it has none. */
function issueCsrf(c: Context<AppEnv>): string {
  const { config } = c.env.deps;
  let nonce = getCookie(c, CSRF_COOKIE);
  if (!isCsrfNonce(nonce)) {
    nonce = newCsrfNonce();
    setCookie(c, CSRF_COOKIE, nonce, cookieOptions(config.publicUrl));
  }
  return csrfToken(config.appSecret, nonce, csrfBinding(c));
}

type Form = Record<string, string | undefined>;

async function readForm(c: Context<AppEnv>): Promise<Form> {
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

function csrfOk(c: Context<AppEnv>, form: Form): boolean {
  return verifyCsrf(c.env.deps.config.appSecret, getCookie(c, CSRF_COOKIE), csrfBinding(c), form[CSRF_FIELD]);
}

function newNonce(c: Context<AppEnv>): string {
  const nonce = randomBytes(16).toString("base64");
  pageHeaders(c, nonce);
  return nonce;
}

type Shown = Omit<AuthPageProps, "nonce" | "csrf">;

function authPage(c: Context<AppEnv>, nonce: string, props: Shown, status: ContentfulStatusCode = 200): Promise<Response> {
  return html(c, <AuthPage {...props} nonce={nonce} csrf={issueCsrf(c)} />, status);
}

/** A refused or failed submission shows the form again with what went wrong; never a stack. */
function failure(c: Context<AppEnv>, nonce: string, props: Shown, err: unknown): Promise<Response> {
  if (err instanceof AppError) {
    withRetryAfter(c, err);
    const error: FormError = { message: err.message, ...(err.fields ? { fields: err.fields } : {}) };
    return authPage(c, nonce, { ...props, error }, err.status);
  }
  c.env.deps.logger.error("auth form failed", { path: c.req.path, error: err });
  return authPage(c, nonce, { ...props, error: { message: FAILED_MESSAGE } }, 500);
}

/** Forms carry a few short fields. */
const smallForm = bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.text("请求体过大 / Request body too large", 413) });

/** Register, log in, log out (issue 6): plain HTML forms that work without JavaScript. */
export const authPageRoutes = new Hono<AppEnv>()
  .get("/login", async (c) => {
    const nonce = newNonce(c);
    const next = safeNext(c.req.query("next"));
    if (await sessionAccount(c)) return c.redirect(next ?? "account", 303);
    return authPage(c, nonce, { mode: "login", next });
  })
  .post("/login", smallForm, async (c) => {
    const nonce = newNonce(c);
    const form = await readForm(c);
    const shown: Shown = { mode: "login", next: safeNext(form.next), values: { username: form.username } };
    if (!csrfOk(c, form)) return authPage(c, nonce, { ...shown, error: { message: CSRF_MESSAGE } }, 403);
    try {
      const input = { username: form.username, password: form.password };
      const { token, expiresAt } = await logIn(c.env.deps, visitor, { input, ip: clientIp(c), replacesToken: getCookie(c, SESSION_COOKIE) });
      setSessionCookie(c, token, expiresAt);
      return c.redirect(shown.next ?? "account", 303);
    } catch (err) {
      return failure(c, nonce, shown, err);
    }
  })
  .get("/register", async (c) => {
    const nonce = newNonce(c);
    const next = safeNext(c.req.query("next"));
    if (await sessionAccount(c)) return c.redirect(next ?? "account", 303);
    return authPage(c, nonce, { mode: "register", next });
  })
  .post("/register", smallForm, async (c) => {
    const nonce = newNonce(c);
    const form = await readForm(c);
    const values = { username: form.username, name: form.name, email: form.email };
    const shown: Shown = { mode: "register", next: safeNext(form.next), values };
    if (!csrfOk(c, form)) return authPage(c, nonce, { ...shown, error: { message: CSRF_MESSAGE } }, 403);
    try {
      // An empty optional field is a browser's way of saying "not given".
      const input = { username: form.username, password: form.password, name: form.name, email: form.email?.trim() ? form.email.trim() : undefined };
      const { token, expiresAt } = await registerAndLogIn(c.env.deps, visitor, { input, replacesToken: getCookie(c, SESSION_COOKIE) });
      setSessionCookie(c, token, expiresAt);
      return c.redirect(shown.next ?? "account", 303);
    } catch (err) {
      return failure(c, nonce, shown, err);
    }
  })
  .get("/account", async (c) => {
    const nonce = newNonce(c);
    const account = await sessionAccount(c);
    if (!account) return c.redirect("login", 303);
    return html(c, <AccountPage nonce={nonce} csrf={issueCsrf(c)} account={account} />);
  })
  .post("/logout", smallForm, async (c) => {
    const nonce = newNonce(c);
    const form = await readForm(c);
    if (!csrfOk(c, form)) {
      const account = await sessionAccount(c);
      if (!account) return c.redirect("login", 303);
      return html(c, <AccountPage nonce={nonce} csrf={issueCsrf(c)} account={account} error={{ message: CSRF_MESSAGE }} />, 403);
    }
    await logOut(c.env.deps, visitor, getCookie(c, SESSION_COOKIE));
    clearSessionCookie(c);
    return c.redirect("login", 303);
  });
