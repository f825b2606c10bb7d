import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { authorizeMembers } from "../../services/invitations/authorize";
import { resendInvitation } from "../../services/invitations/resend";
import { readJson } from "../json-errors";
import { callerOf } from "../session-auth";

const id = (v: string) => (/^\d{1,15}$/.test(v) ? Number(v) : NaN);

/** Authorizing WeCom members and (re-)sending invitation cards (docs/http-api.md#members-and-access). */
export const authorizeRoutes = new Hono<AppEnv>()
  .post("/api/teams/:slug/authorize", async (c) => c.json(await authorizeMembers(c.env.deps, callerOf(c), c.req.param("slug"), await readJson(c))))
  .post("/api/teams/:slug/members/:id/invitation", async (c) =>
    c.json(await resendInvitation(c.env.deps, callerOf(c), c.req.param("slug"), id(c.req.param("id"))), 201),
  );
