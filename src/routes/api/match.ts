import { Hono, type Context } from "hono";
import type { AppEnv } from "../../deps";
import { confirmMatch } from "../../services/match/confirm-match";
import { matchMembers } from "../../services/match/match-members";
import { readJson } from "../json-errors";
import { callerOf } from "../session-auth";

/** The body, or undefined when the request has none (`POST …/match` without options). */
async function optionalJson(c: Context<AppEnv>): Promise<unknown> {
  const length = c.req.header("content-length");
  if (!c.req.header("content-type") && (length === undefined || length === "0")) return undefined;
  return readJson(c);
}

/** One-click match of WeCom members to existing accounts (docs/http-api.md#members-and-access). */
export const matchRoutes = new Hono<AppEnv>()
  .post("/api/teams/:slug/match", async (c) => c.json(await matchMembers(c.env.deps, callerOf(c), c.req.param("slug"), await optionalJson(c))))
  .post("/api/teams/:slug/match/confirm", async (c) => c.json(await confirmMatch(c.env.deps, callerOf(c), c.req.param("slug"), await readJson(c))));
