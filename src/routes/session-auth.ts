import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../deps";
import { AppError } from "../errors";
import type { AccountView } from "../services/accounts/account-view";
import type { Caller } from "../services/accounts/caller";
import { resolveSession } from "../services/accounts/resolve-session";
import { isCrossSite } from "../security/csrf";
import { SESSION_COOKIE } from "../security/session";
import { readCookie, writeCookie, clearCookie } from "./cookies";

declare module "hono" {
  interface ContextVariableMap {
    /** The session's account once looked up in this request (null: none); unset: not looked up yet. */
    account?: AccountView | null;
    /** Who this request acts as, set by the auth middleware that let it in. */
    caller?: Caller;
  }
}

const anonymous: Caller = { kind: "system", reason: "session-lookup" };

/** The account of the request's `wr_session` cookie, looked up at most once per request. */
export async function sessionAccount(c: Context<AppEnv>): Promise<AccountView | null> {
  const known = c.get("account");
  if (known !== undefined) return known;
  const account = await resolveSession(c.env.deps, anonymous, readCookie(c, SESSION_COOKIE));
  c.set("account", account);
  return account;
}

export function unauthorized(): AppError {
  return new AppError("unauthorized", "需要登录 / Sign in first");
}

/** 401 without a live session; afterwards `c.get("caller")` is the account. */
export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  const account = await sessionAccount(c);
  if (!account) throw unauthorized();
  c.set("caller", { kind: "account", accountId: account.id });
  await next();
});

/** Who the auth middleware let in; a route without such middleware in front of it is a bug, not a visitor. */
export function callerOf(c: Context<AppEnv>): Caller {
  const caller = c.get("caller");
  if (!caller) throw unauthorized();
  return caller;
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** JSON requests that log in or act by cookie must come from our own pages (security/csrf.ts). */
export function refuseCrossSite(c: Context<AppEnv>): void {
  if (!UNSAFE.has(c.req.method)) return;
  if (isCrossSite({ origin: c.req.header("origin"), secFetchSite: c.req.header("sec-fetch-site") }, c.env.deps.config.publicUrl)) {
    throw new AppError("csrf_failed", "请求来自其他网站，已拒绝 / Refused: the request came from another site");
  }
}

export const sameSiteOnly = createMiddleware<AppEnv>(async (c, next) => {
  refuseCrossSite(c);
  await next();
});

export function setSessionCookie(c: Context<AppEnv>, token: string, expiresAt: Date): void {
  const { clock } = c.env.deps;
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - clock.now().getTime()) / 1000));
  writeCookie(c, SESSION_COOKIE, token, maxAge);
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  clearCookie(c, SESSION_COOKIE);
}

/**
 * The client's address, for login throttling. With `TRUST_PROXY` the service sits behind one
 * reverse proxy that appends the peer to `X-Forwarded-For`, so the last entry is the client (the
 * earlier ones are whatever the client sent, and may be forged). Without it the header is ignored
 * and the socket's address is used. No address (app.request in tests, an entry that does not
 * forward the socket) → null: then only the username is throttled.
 */
export function clientIp(c: Context<AppEnv>): string | null {
  if (c.env.deps.config.trustProxy) {
    const last = c.req.header("x-forwarded-for")?.split(",").pop()?.trim();
    if (last && last.length <= 64) return last.toLowerCase();
  }
  const address = c.env.clientAddress;
  return address ? address.toLowerCase() : null;
}
