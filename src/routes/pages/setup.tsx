import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../../deps";
import { AppError } from "../../errors";
import type { Actor } from "../../services/actor";
import { completeSetup, setupClosed } from "../../services/setup/complete-setup";
import { issueSetupCode, SETUP_CODE_QUIET_MS } from "../../services/setup/issue-setup-code";
import { setupOpen } from "../../services/setup/setup-open";
import { SESSION_COOKIE } from "../../security/session";
import { SetupClosedPage, SetupPage, type SetupPageProps } from "../../views/setup";
import { readCookie } from "../cookies";
import { setSessionCookie } from "../session-auth";
import { basePath, CSRF_MESSAGE, csrfOk, FAILED_MESSAGE, html, issueCsrf, newNonce, readForm, smallForm } from "./form-kit";

const setupActor: Actor = { kind: "system", reason: "setup" };

type Shown = Omit<SetupPageProps, "nonce" | "csrf">;

function setupPage(c: Context<AppEnv>, nonce: string, props: Shown, status: ContentfulStatusCode = 200): Promise<Response> {
  return html(c, <SetupPage {...props} nonce={nonce} csrf={issueCsrf(c)} />, status);
}

function closed(c: Context<AppEnv>, nonce: string): Promise<Response> {
  return html(c, <SetupClosedPage nonce={nonce} login={`${basePath(c)}/login`} />, setupClosed().status);
}

/**
 * The first-run setup page (docs/operations.md#first-run): only while no team exists, opened by
 * the one-time code the service logs; afterwards 410 for good.
 */
export const setupPageRoutes = new Hono<AppEnv>()
  .get("/setup", async (c) => {
    const nonce = newNonce(c);
    if (!(await setupOpen(c.env.deps))) return closed(c, nonce);
    // A Worker has no start-up to print a code at: a visit prints one (at most one a minute).
    await issueSetupCode(c.env.deps, { quietMs: SETUP_CODE_QUIET_MS });
    return setupPage(c, nonce, {});
  })
  .post("/setup", smallForm, async (c) => {
    const nonce = newNonce(c);
    if (!(await setupOpen(c.env.deps))) return closed(c, nonce);
    const form = await readForm(c);
    const email = form.get("email")?.trim();
    const values = {
      username: form.get("username"),
      name: form.get("name"),
      email: form.get("email"),
      teamSlug: form.get("teamSlug"),
      teamName: form.get("teamName"),
    };
    if (!csrfOk(c, form)) return setupPage(c, nonce, { values, error: { message: CSRF_MESSAGE } }, 403);
    try {
      // An empty optional field is a browser's way of saying "not given".
      const input = { ...values, email: email ? email : undefined, code: form.get("code"), password: form.get("password") };
      const done = await completeSetup(c.env.deps, setupActor, { input, replacesToken: readCookie(c, SESSION_COOKIE) });
      setSessionCookie(c, done.token, done.expiresAt);
      return c.redirect(`teams/${encodeURIComponent(done.team.slug)}/wecom`, 303);
    } catch (err) {
      if (err instanceof AppError) {
        if (err.code === "setup_closed") return closed(c, nonce);
        return setupPage(c, nonce, { values, error: { message: err.message, ...(err.fields ? { fields: err.fields } : {}) } }, err.status);
      }
      c.env.deps.logger.error("setup form failed", { error: err });
      return setupPage(c, nonce, { values, error: { message: FAILED_MESSAGE } }, 500);
    }
  });
