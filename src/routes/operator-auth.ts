import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../deps";
import { AppError } from "../errors";
import { safeEqual } from "../security/constant-time";

/** Operator endpoints take `Authorization: Bearer $ADMIN_TOKEN` (design §4), compared in constant time. */
export const requireOperator = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1] || !safeEqual(match[1], c.env.deps.config.adminToken)) {
    throw new AppError("unauthorized", "需要有效的管理令牌 / A valid admin token is required");
  }
  await next();
});
