import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../deps";
import { AppError, type ErrorCode } from "../errors";
import type { Actor } from "../services/actor";
import { receiveCallback } from "../services/callbacks/receive-callback";
import { verifyCallbackUrl } from "../services/callbacks/verify-callback-url";
import { operation } from "./operation";
import { jsonError } from "./json-errors";

const wecom: Actor = { kind: "system", reason: "wecom-callback" };
const CALLBACK_ERRORS: ErrorCode[] = [
  "team_not_found",
  "not_bound",
  "bad_signature",
  "stale_timestamp",
  "bad_receive_id",
  "bad_ciphertext",
  "bad_xml",
];

/** One line per rejected callback, without secrets (docs/http-api.md#wecom-callback). */
function rejected(err: unknown, c: Context<AppEnv>): Response {
  const res = jsonError(err, c);
  if (err instanceof AppError) {
    c.env.deps.logger.warn("callback rejected", { slug: c.req.param("slug"), method: c.req.method, code: err.code });
    c.env.deps.metrics?.callbackRejected({ code: err.code });
  }
  return res;
}

export const wecomCallbackRoutes = new Hono<AppEnv>()
  .get(
    "/wecom/:slug/callback",
    operation({
      summary: "WeCom's URL check: the decrypted echostr",
      tags: ["WeCom callback"],
      access: "public",
      ok: { status: 200, description: "text/plain" },
      errors: CALLBACK_ERRORS,
    }),
    async (c) => {
      try {
        const plain = await verifyCallbackUrl(c.env.deps, wecom, c.req.param("slug"), c.req.query());
        // The raw plaintext: no quotes, BOM or newline (docs/wecom.md#callback-delivery).
        return c.body(plain, 200, { "content-type": "text/plain; charset=utf-8" });
      } catch (err) {
        return rejected(err, c);
      }
    },
  )
  .post(
    "/wecom/:slug/callback",
    operation({
      summary: "A signed, encrypted WeCom callback: stored, then answered",
      tags: ["WeCom callback"],
      access: "public",
      ok: { status: 200, description: "empty: no passive reply" },
      errors: [...CALLBACK_ERRORS, "payload_too_large"],
    }),
    async (c, next) => {
      const maxSize = c.env.deps.config.callbackMaxBytes;
      const tooLarge = (c2: Context<AppEnv>) => rejected(new AppError("payload_too_large", "回调消息过大 / Callback body too large"), c2);
      // The same rule as hono's bodyLimit for a body of announced length, without touching
      // `c.req.raw.body`: on @hono/node-server that builds a web stream per request, the largest
      // single cost of a callback (BENCHMARKS.md, callback-ingest); `text()` then reads the
      // socket directly. A chunked body is counted as it streams, by bodyLimit itself.
      const length = c.req.header("content-length");
      if (length !== undefined && c.req.header("transfer-encoding") === undefined)
        return parseInt(length, 10) > maxSize ? tooLarge(c) : next();
      return bodyLimit({ maxSize, onError: tooLarge })(c, next);
    },
    async (c) => {
      try {
        const got = await receiveCallback(c.env.deps, wecom, c.req.param("slug"), c.req.query(), await c.req.text());
        c.env.deps.metrics?.callbackReceived({ team: c.req.param("slug"), outcome: got.stored ? "stored" : "duplicate" });
        // An empty 200 is "no passive reply" (docs/wecom.md#passive-replies).
        return c.body(null, 200);
      } catch (err) {
        return rejected(err, c);
      }
    },
  );
