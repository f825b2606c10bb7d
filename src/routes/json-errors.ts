import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../deps";
import { AppError } from "../errors";

/** The HTTP JSON mapper (docs/architecture.md#errors): `{"error":{"code","message","fields?"}}` with the code's status. */
export function jsonError(err: unknown, c: Context<AppEnv>): Response {
  if (err instanceof AppError) {
    const body = { error: { code: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}), ...err.details } };
    // A 429 says when to come back in the header as well as the body (RFC 9110, section 10.2.3).
    if (typeof err.details?.retryAfterSeconds === "number") c.header("Retry-After", String(err.details.retryAfterSeconds));
    return c.json(body, err.status as ContentfulStatusCode);
  }
  c.env.deps.logger.error("unhandled error", { path: c.req.path, error: err });
  return c.json({ error: { code: "internal", message: "内部错误 / Internal error" } }, 500);
}

/** Reads a JSON body or fails with bad_request (not a 500). */
export async function readJson(c: Context<AppEnv>): Promise<unknown> {
  try {
    return await c.req.json<unknown>();
  } catch {
    throw new AppError("bad_request", "请求体不是有效的 JSON / The request body is not valid JSON");
  }
}
