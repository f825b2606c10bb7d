import { Hono } from "hono";
import type { AppEnv } from "../../../deps";
import { listMyTeams } from "../../../services/access/list-my-teams";
import { callbackStats } from "../../../services/callbacks/callback-stats";
import { listJobs } from "../../../services/directory/read-jobs";
import { getBinding } from "../../../services/teams/get-binding";
import { OverviewPage } from "../../../views/console/overview-page";
import { teamHref } from "../../../views/console/shell";
import { TeamsPage } from "../../../views/console/teams-page";
import { callerOf } from "../../session-auth";
import { html } from "../form-kit";
import { consoleOf, signedIn, SLUG, teamAdmin } from "./gate";
import { flashOf } from "./kit";

/** The team switcher (/teams) and a team's overview (/teams/:slug). */
export const teamsConsole = new Hono<AppEnv>()
  .get("/teams", signedIn, async (c) => {
    const ctx = consoleOf(c);
    const wanted = c.req.query("slug")?.trim().toLowerCase();
    if (wanted && SLUG.test(wanted)) return c.redirect(teamHref(ctx.base, wanted), 303);
    const teams = await listMyTeams(c.env.deps, callerOf(c));
    const error = wanted ? "团队标识格式不正确 / That is not a team slug" : undefined;
    return html(c, <TeamsPage {...ctx} teams={teams} error={error} />, wanted ? 422 : 200);
  })
  .get("/teams/:slug", signedIn, teamAdmin, async (c) => {
    const ctx = consoleOf(c);
    const deps = c.env.deps;
    const caller = callerOf(c);
    const [binding, jobs, callbacks] = await Promise.all([getBinding(deps, caller, ctx.slug), listJobs(deps, caller, ctx.slug), callbackStats(deps, caller, ctx.slug)]);
    return html(c, <OverviewPage {...ctx} team={ctx.team} binding={binding} jobs={jobs} callbacks={callbacks} flash={flashOf(c)} />);
  });
