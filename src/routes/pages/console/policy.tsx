import { Hono } from "hono";
import type { AppEnv } from "../../../deps";
import { breakerThreshold } from "../../../services/directory/breaker";
import { getPolicy, setPolicy } from "../../../services/directory/policy";
import { listTeamMembers } from "../../../services/directory/read-directory";
import { PolicyPage } from "../../../views/console/policy-page";
import { teamHref } from "../../../views/console/shell";
import { callerOf } from "../../session-auth";
import { html } from "../form-kit";
import { consoleOf, handlePost, signedIn, teamAdmin } from "./gate";
import { consoleForm, flashOf, withFlash } from "./kit";

/** The deletion policy, with the breaker's thresholds for this team. */
export const policyConsole = new Hono<AppEnv>()
  .get("/teams/:slug/policy", signedIn, teamAdmin, async (c) => {
    const ctx = consoleOf(c);
    const deps = c.env.deps;
    const [{ onMemberDeleted }, active] = await Promise.all([
      getPolicy(deps, callerOf(c), ctx.slug),
      listTeamMembers(deps, callerOf(c), ctx.slug, { status: "active", limit: "1" }),
    ]);
    return html(
      c,
      <PolicyPage
        {...ctx}
        team={ctx.team}
        policy={onMemberDeleted}
        active={active.total}
        threshold={breakerThreshold(active.total)}
        flash={flashOf(c)}
      />,
    );
  })
  .post("/teams/:slug/policy", consoleForm, signedIn, teamAdmin, (c) =>
    handlePost(c, async (form) => {
      const { base, slug } = consoleOf(c);
      await setPolicy(c.env.deps, callerOf(c), slug, { onMemberDeleted: form.get("onMemberDeleted") });
      return c.redirect(withFlash(teamHref(base, slug, "/policy"), "policy_saved"), 303);
    }),
  );
