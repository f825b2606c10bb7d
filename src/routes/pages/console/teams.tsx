import { Hono } from "hono";
import type { AppEnv } from "../../../deps";
import { listMyTeams } from "../../../services/access/list-my-teams";
import { callbackStats } from "../../../services/callbacks/callback-stats";
import { listJobs } from "../../../services/directory/read-jobs";
import { listTeamMembers } from "../../../services/directory/read-directory";
import { MEMBER_STATUS } from "../../../views/console/text";
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
    const byStatus = Promise.all(
      Object.keys(MEMBER_STATUS).map(
        async (status) => [status, (await listTeamMembers(deps, caller, ctx.slug, { status, limit: "1" })).total] as const,
      ),
    );
    const [binding, jobs, callbacks, counts] = await Promise.all([
      getBinding(deps, caller, ctx.slug),
      listJobs(deps, caller, ctx.slug),
      callbackStats(deps, caller, ctx.slug),
      byStatus,
    ]);
    return html(
      c,
      <OverviewPage
        {...ctx}
        team={ctx.team}
        binding={binding}
        jobs={jobs}
        callbacks={callbacks}
        members={Object.fromEntries(counts)}
        flash={flashOf(c)}
      />,
    );
  });
