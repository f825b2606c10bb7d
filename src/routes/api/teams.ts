import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { callbackStats } from "../../services/callbacks/callback-stats";
import { bindWecom, BindWecomInput } from "../../services/teams/bind-wecom";
import { createTeam, CreateTeamInput } from "../../services/teams/create-team";
import { getBinding } from "../../services/teams/get-binding";
import { BotAdminsInput, setBotAdmins } from "../../services/teams/set-bot-admins";
import { readJson } from "../json-errors";
import { operatorOnly } from "../operator-auth";
import { callerOf } from "../session-auth";
import { operation } from "../operation";
import { Binding, BindingState, BindResultBody, CallbackStats, TeamBody } from "../responses/teams";

/** Creating a team (the operator) and its WeCom binding and callback counts (docs/http-api.md#binding). */
export const teamRoutes = new Hono<AppEnv>()
  .post(
    "/api/teams",
    operation({
      summary: "Create a team",
      tags: ["Teams"],
      access: "operator",
      body: CreateTeamInput,
      ok: { status: 201, description: "{team}", body: TeamBody },
      errors: ["team_exists"],
    }),
    operatorOnly,
    async (c) => c.json({ team: await createTeam(c.env.deps, callerOf(c), await readJson(c)) }, 201),
  )
  .put(
    "/api/teams/:slug/wecom",
    operation({
      summary: "Bind the team to a WeCom self-built app, checked live",
      tags: ["Binding"],
      access: "team_admin",
      body: BindWecomInput,
      ok: { status: 200, description: "{callbackUrl, …masked, visibility, warnings}", body: BindResultBody },
      errors: ["wecom_rejected", "wecom_unavailable"],
    }),
    async (c) => c.json(await bindWecom(c.env.deps, callerOf(c), c.req.param("slug"), await readJson(c))),
  )
  .put(
    "/api/teams/:slug/wecom/admins",
    operation({
      summary: "Replace the bot's admin list only (no WeCom call, the credentials stay)",
      tags: ["Binding"],
      access: "team_admin",
      body: BotAdminsInput,
      ok: { status: 200, description: "the binding, secrets masked", body: Binding },
      errors: ["not_bound"],
    }),
    async (c) => c.json(await setBotAdmins(c.env.deps, callerOf(c), c.req.param("slug"), await readJson(c))),
  )
  .get(
    "/api/teams/:slug/wecom",
    operation({
      summary: "The binding, secrets masked",
      tags: ["Binding"],
      access: "team_admin",
      ok: { status: 200, description: "the binding, or {bound: false, callbackUrl}", body: BindingState },
    }),
    async (c) => c.json(await getBinding(c.env.deps, callerOf(c), c.req.param("slug"))),
  )
  .get(
    "/api/teams/:slug/callbacks/stats",
    operation({
      summary: "Callback inbox counts",
      tags: ["Binding"],
      access: "team_admin",
      ok: { status: 200, description: "{received, processed, ignored, pending, dead}", body: CallbackStats },
    }),
    async (c) => c.json(await callbackStats(c.env.deps, callerOf(c), c.req.param("slug"))),
  );
