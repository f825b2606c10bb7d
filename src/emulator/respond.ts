// WeCom answers: HTTP 200 with errcode/errmsg, success ⇔ errcode 0 (reference "Conventions").
import type { Context } from "hono";
import { errorBody } from "./errors";
import type { EmuEnv } from "./hono-env";

function mark(c: Context<EmuEnv>, code: number): void {
  const call = c.get("call") as EmuEnv["Variables"]["call"] | undefined;
  if (call) call.errcode = code;
}

export function ok(c: Context<EmuEnv>, body: Record<string, unknown> = {}): Response {
  mark(c, 0);
  return c.json({ errcode: 0, errmsg: "ok", ...body });
}

export function fail(c: Context<EmuEnv>, code: number, errmsg?: string): Response {
  mark(c, code);
  return c.json(errorBody(code, errmsg));
}

/** Control-API errors use the service's own shape (docs/http-api.md#conventions). */
export function controlError(c: Context<EmuEnv>, status: 400 | 403 | 404 | 409, code: string, message: string): Response {
  return c.json({ error: { code, message } }, status);
}
