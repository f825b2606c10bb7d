import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { AuthorizeInput, authorizeMembers } from "../../services/invitations/authorize";
import { resendInvitation } from "../../services/invitations/resend";
import { readJson } from "../json-errors";
import { callerOf } from "../session-auth";
import { operation } from "../operation";
import { AuthorizeResult, ResendBody } from "../responses/members";

const id = (v: string) => (/^\d{1,15}$/.test(v) ? Number(v) : NaN);

/** Authorizing WeCom members and (re-)sending invitation cards (docs/http-api.md#members-and-access). */
export const authorizeRoutes = new Hono<AppEnv>()
  .post(
    "/api/teams/:slug/authorize",
    operation({
      summary: "Authorize WeCom members: activate the linked, invite the rest",
      tags: ["Members and access"],
      access: "team_admin",
      body: AuthorizeInput,
      ok: {
        status: 200,
        description: "{authorized, invited, alreadyActive, alreadyInvited, skipped, invalidUsers, reached}",
        body: AuthorizeResult,
      },
      errors: ["not_bound", "wecom_rejected", "wecom_unavailable"],
    }),
    async (c) => c.json(await authorizeMembers(c.env.deps, callerOf(c), c.req.param("slug"), await readJson(c))),
  )
  .post(
    "/api/teams/:slug/members/:id/invitation",
    operation({
      summary: "Send a member a new invitation card",
      tags: ["Members and access"],
      access: "team_admin",
      params: { id: "the member's id" },
      ok: { status: 201, description: "the invitation", body: ResendBody },
      errors: ["not_found", "not_bound", "conflict", "too_many_attempts", "wecom_rejected", "wecom_unavailable"],
    }),
    async (c) => c.json(await resendInvitation(c.env.deps, callerOf(c), c.req.param("slug"), id(c.req.param("id"))), 201),
  );
