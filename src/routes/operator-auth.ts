import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../deps";
import { AppError } from "../errors";
import { requireTeamAdmin } from "../services/access/policy";
import { safeEqual } from "../security/constant-time";
import { refuseCrossSite, sessionAccount } from "./session-auth";

/** The token of `Authorization: Bearer <token>`, or undefined: the one place the header is parsed. */
export function bearerToken(c: Context<AppEnv>): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
}

/** The request carries `Bearer $ADMIN_TOKEN`, compared in constant time. */
export function isOperator(c: Context<AppEnv>): boolean {
  const token = bearerToken(c);
  return token !== undefined && safeEqual(token, c.env.deps.config.adminToken);
}

/** Admits the operator (`Bearer $ADMIN_TOKEN`) only: `POST /api/teams`, `/api/operator/*`. */
export const operatorOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (!isOperator(c)) throw new AppError("unauthorized", "需要有效的管理令牌 / A valid admin token is required");
  c.set("caller", { kind: "operator" });
  await next();
});

/** `GET …/access` answers any member's session about itself; its route checks the session. */
const MEMBER_PATH = /^\/api\/teams\/[^/]+\/access$/;

/**
 * The gate of the team API (`/api/teams/:slug/…`, docs/http-api.md#authentication): admits the
 * operator, or the session of an account the access policy lets read the team in the path (an
 * active owner or admin). A locked, deauthorized or outside account gets the same 403 as at
 * `…/access`, a plain member 403 forbidden, no session 401. Each verb then asks the policy for
 * its own permission (services/access/policy.ts).
 */
export const operatorOrTeamAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (isOperator(c)) {
    c.set("caller", { kind: "operator" });
    return next();
  }
  if (MEMBER_PATH.test(c.req.path)) return next();
  const account = await sessionAccount(c);
  if (!account) throw new AppError("unauthorized", "需要管理令牌或团队管理员登录 / An admin token or a team admin's session is required");
  refuseCrossSite(c);
  const caller = { kind: "account", accountId: account.id } as const;
  await requireTeamAdmin(c.env.deps, caller, c.req.param("slug") ?? "");
  c.set("caller", caller);
  await next();
});
