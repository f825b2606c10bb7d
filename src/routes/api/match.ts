import { Hono, type Context } from "hono";
import type { AppEnv } from "../../deps";
import { confirmMatch, ConfirmMatchInput } from "../../services/match/confirm-match";
import { MatchInput, matchMembers } from "../../services/match/match-members";
import { readJson } from "../json-errors";
import { callerOf } from "../session-auth";
import { operation } from "../operation";
import { ConfirmMatchResult, MatchResult } from "../responses/members";

/** The body, or undefined when the request has none (`POST …/match` without options). */
async function optionalJson(c: Context<AppEnv>): Promise<unknown> {
  const length = c.req.header("content-length");
  if (!c.req.header("content-type") && (length === undefined || length === "0")) return undefined;
  return readJson(c);
}

/** One-click match of WeCom members to existing accounts (docs/http-api.md#members-and-access). */
export const matchRoutes = new Hono<AppEnv>()
  .post(
    "/api/teams/:slug/match",
    operation({
      summary: "Match WeCom members to existing accounts",
      tags: ["Members and access"],
      access: "team_admin",
      body: MatchInput,
      bodyOptional: true,
      ok: { status: 200, description: "{linked, suggested, conflicts}", body: MatchResult },
    }),
    async (c) => c.json(await matchMembers(c.env.deps, callerOf(c), c.req.param("slug"), await optionalJson(c))),
  )
  .post(
    "/api/teams/:slug/match/confirm",
    operation({
      summary: "Link pairs an admin confirmed",
      tags: ["Members and access"],
      access: "team_admin",
      body: ConfirmMatchInput,
      ok: { status: 200, description: "{linked, rejected}", body: ConfirmMatchResult },
    }),
    async (c) => c.json(await confirmMatch(c.env.deps, callerOf(c), c.req.param("slug"), await readJson(c))),
  );
