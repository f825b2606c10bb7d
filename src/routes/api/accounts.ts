import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../../deps";
import { AppError } from "../../errors";
import type { Caller } from "../../services/accounts/caller";
import { logIn, LogInInput } from "../../services/accounts/log-in";
import { logOut } from "../../services/accounts/log-out";
import { NewAccountInput } from "../../services/accounts/new-account";
import { registerAccount } from "../../services/accounts/register-account";
import { SESSION_COOKIE } from "../../security/session";
import { readJson } from "../json-errors";
import { clearSessionCookie, clientIp, requireSession, sameSiteOnly, sessionAccount, setSessionCookie } from "../session-auth";
import { readCookie } from "../cookies";
import { operation } from "../operation";
import { AccountBody } from "../responses/accounts";

const visitor: Caller = { kind: "system", reason: "visitor" };

/** Login, registration and the like carry a few fields: nothing bigger is read. */
const smallBody = bodyLimit({
  maxSize: 16 * 1024,
  onError: () => {
    throw new AppError("payload_too_large", "请求体过大 / Request body too large");
  },
});

/** Accounts and sessions (docs/http-api.md#accounts-and-sessions): register, log in, log out, who am I. */
export const accountRoutes = new Hono<AppEnv>()
  .post(
    "/api/accounts",
    operation({
      summary: "Register an account",
      tags: ["Accounts"],
      access: "public",
      body: NewAccountInput,
      ok: { status: 201, description: "{account}", body: AccountBody },
      errors: ["csrf_failed", "payload_too_large", "username_taken", "too_many_attempts"],
    }),
    sameSiteOnly,
    smallBody,
    async (c) => c.json({ account: await registerAccount(c.env.deps, visitor, await readJson(c), clientIp(c)) }, 201),
  )
  .post(
    "/api/session",
    operation({
      summary: "Log in: sets the session cookie",
      tags: ["Accounts"],
      access: "public",
      body: LogInInput,
      ok: { status: 200, description: "{account}", body: AccountBody },
      errors: ["csrf_failed", "payload_too_large", "invalid_credentials", "too_many_attempts"],
    }),
    sameSiteOnly,
    smallBody,
    async (c) => {
      const input = await readJson(c);
      const { account, token, expiresAt } = await logIn(c.env.deps, visitor, {
        input,
        ip: clientIp(c),
        replacesToken: readCookie(c, SESSION_COOKIE),
      });
      setSessionCookie(c, token, expiresAt);
      return c.json({ account });
    },
  )
  .delete(
    "/api/session",
    operation({
      summary: "Log out",
      tags: ["Accounts"],
      access: "public",
      ok: { status: 204, description: "the cookie is cleared" },
      errors: ["csrf_failed"],
    }),
    sameSiteOnly,
    async (c) => {
      await logOut(c.env.deps, visitor, readCookie(c, SESSION_COOKIE));
      clearSessionCookie(c);
      return c.body(null, 204);
    },
  )
  .get(
    "/api/me",
    operation({
      summary: "The session's account",
      tags: ["Accounts"],
      access: "session",
      ok: { status: 200, description: "{account}", body: AccountBody },
    }),
    requireSession,
    async (c) => c.json({ account: await sessionAccount(c) }),
  );
