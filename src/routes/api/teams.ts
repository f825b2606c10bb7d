import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { callbackStats } from "../../services/callbacks/callback-stats";
import { bindWecom } from "../../services/teams/bind-wecom";
import { createTeam } from "../../services/teams/create-team";
import { getBinding } from "../../services/teams/get-binding";
import { readJson } from "../json-errors";
import { operatorOnly } from "../operator-auth";
import { callerOf } from "../session-auth";

/** Creating a team (the operator) and its WeCom binding and callback counts (docs/http-api.md#binding). */
export const teamRoutes = new Hono<AppEnv>()
  .post("/api/teams", operatorOnly, async (c) => c.json({ team: await createTeam(c.env.deps, callerOf(c), await readJson(c)) }, 201))
  .put("/api/teams/:slug/wecom", async (c) =>
    c.json(await bindWecom(c.env.deps, callerOf(c), c.req.param("slug"), await readJson(c))),
  )
  .get("/api/teams/:slug/wecom", async (c) => c.json(await getBinding(c.env.deps, callerOf(c), c.req.param("slug"))))
  .get("/api/teams/:slug/callbacks/stats", async (c) => c.json(await callbackStats(c.env.deps, callerOf(c), c.req.param("slug"))));
