import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../deps";
import { AppError } from "../errors";
import { requireTeamAdmin } from "../services/access/team-access";
import { safeEqual } from "../security/constant-time";
import { refuseCrossSite, sessionAccount } from "./session-auth";

function isOperator(c: Context<AppEnv>): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
  return !!match?.[1] && safeEqual(match[1], c.env.deps.config.adminToken);
}

/** `/api/teams/<slug>[/…]` → the slug and the rest; anything else (e.g. `POST /api/teams`) → null. */
function teamPath(path: string): { slug: string; rest: string } | null {
  const m = /^\/api\/teams\/([^/]+)(\/.*)?$/.exec(path);
  if (!m?.[1]) return null;
  try {
    return { slug: decodeURIComponent(m[1]), rest: m[2] ?? "" };
  } catch {
    return null;
  }
}

/** Team paths any member's session may reach; their routes check the session themselves. */
const MEMBER_PATHS = new Set(["/access"]);

/**
 * Operator endpoints take `Authorization: Bearer $ADMIN_TOKEN`, compared in constant time.
 * Team endpoints (`/api/teams/:slug/…`, docs/http-api.md#authentication) also take the session of an active owner or
 * admin of that team: the slug comes from the path, and a locked, deauthorized or outside account
 * gets the same 403 as at `…/access`, a plain member 403 forbidden, no session 401.
 * `POST /api/teams` stays operator-only.
 */
export const requireOperator = createMiddleware<AppEnv>(async (c, next) => {
  if (isOperator(c)) {
    c.set("caller", { kind: "operator" });
    return next();
  }
  const team = teamPath(c.req.path);
  if (!team) throw new AppError("unauthorized", "需要有效的管理令牌 / A valid admin token is required");
  if (MEMBER_PATHS.has(team.rest)) return next();
  // Every sub-app mounted on /api/teams/* runs this middleware: decide once per request.
  if (c.get("teamAdminOf") !== team.slug) {
    const account = await sessionAccount(c);
    if (!account) throw new AppError("unauthorized", "需要管理令牌或团队管理员登录 / An admin token or a team admin's session is required");
    refuseCrossSite(c);
    const caller = { kind: "account", accountId: account.id } as const;
    await requireTeamAdmin(c.env.deps, caller, team.slug);
    c.set("caller", caller);
    c.set("teamAdminOf", team.slug);
  }
  await next();
});
