import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../deps";
import { withFields } from "../logger";

/**
 * After hono/request-id: every line logged while serving the request (and by work it defers)
 * carries its `requestId`, the value echoed in `X-Request-Id`. The deps are the request's own
 * copy; the entry's object stays untouched.
 */
export const requestLogger = createMiddleware<AppEnv>(async (c, next) => {
  const deps = c.env.deps;
  c.env = { ...c.env, deps: { ...deps, logger: withFields(deps.logger, { requestId: c.get("requestId") }) } };
  await next();
});
