import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../../deps";
import { AppError } from "../../errors";
import type { Caller } from "../../services/accounts/caller";
import { logIn } from "../../services/accounts/log-in";
import { logOut } from "../../services/accounts/log-out";
import { registerAndLogIn } from "../../services/accounts/register-and-log-in";
import { SESSION_COOKIE } from "../../security/session";
import { AccountPage, AuthPage, type AuthPageProps, type FormError } from "../../views/auth";
import { clearSessionCookie, clientIp, sessionAccount, setSessionCookie } from "../session-auth";
import { CSRF_MESSAGE, csrfOk, FAILED_MESSAGE, html, issueCsrf, newNonce, readForm, withRetryAfter, safeNext, smallForm } from "./form-kit";
import { readCookie } from "../cookies";

const visitor: Caller = { kind: "system", reason: "visitor" };

/**
 * Where a sign-in without `next` lands: the team switcher (relative, so a PUBLIC_URL path prefix
 * is kept). A new registration still lands on its account page: it has no team yet.
 */
const AFTER_LOGIN = "teams";

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

/** Register, log in, log out (docs/http-api.md#html-pages): plain HTML forms that work without JavaScript. */
export const authPageRoutes = new Hono<AppEnv>()
  .get("/login", async (c) => {
    const nonce = newNonce(c);
    const next = safeNext(c.req.query("next"));
    if (await sessionAccount(c)) return c.redirect(next ?? AFTER_LOGIN, 303);
    return authPage(c, nonce, { mode: "login", next });
  })
  .post("/login", smallForm, async (c) => {
    const nonce = newNonce(c);
    const form = await readForm(c);
    const shown: Shown = { mode: "login", next: safeNext(form.get("next")), values: { username: form.get("username") } };
    if (!csrfOk(c, form)) return authPage(c, nonce, { ...shown, error: { message: CSRF_MESSAGE } }, 403);
    try {
      const input = { username: form.get("username"), password: form.get("password") };
      const { token, expiresAt } = await logIn(c.env.deps, visitor, {
        input,
        ip: clientIp(c),
        replacesToken: readCookie(c, SESSION_COOKIE),
      });
      setSessionCookie(c, token, expiresAt);
      return c.redirect(shown.next ?? AFTER_LOGIN, 303);
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
    const values = { username: form.get("username"), name: form.get("name"), email: form.get("email") };
    const shown: Shown = { mode: "register", next: safeNext(form.get("next")), values };
    if (!csrfOk(c, form)) return authPage(c, nonce, { ...shown, error: { message: CSRF_MESSAGE } }, 403);
    try {
      // An empty optional field is a browser's way of saying "not given".
      const email = form.get("email")?.trim();
      const input = {
        username: form.get("username"),
        password: form.get("password"),
        name: form.get("name"),
        email: email ? email : undefined,
      };
      const { token, expiresAt } = await registerAndLogIn(c.env.deps, visitor, {
        input,
        ip: clientIp(c),
        replacesToken: readCookie(c, SESSION_COOKIE),
      });
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
    await logOut(c.env.deps, visitor, readCookie(c, SESSION_COOKIE));
    clearSessionCookie(c);
    return c.redirect("login", 303);
  });
