import { Hono } from "hono";
import type { AppEnv } from "../../../deps";
import { AppError } from "../../../errors";
import { confirmMatch } from "../../../services/match/confirm-match";
import { matchMembers } from "../../../services/match/match-members";
import { MatchPage } from "../../../views/console/match-page";
import { teamHref } from "../../../views/console/shell";
import { callerOf } from "../../session-auth";
import { html, type Form } from "../form-kit";
import { consoleOf, handlePost, signedIn, teamAdmin } from "./gate";
import { consoleForm, flashOf, withFlash } from "./kit";

/** "memberId:accountId" from the suggestion checkboxes and the chosen conflict candidates. */
function chosenPairs(form: Form): { memberId: number; accountId: number }[] {
  const values = [
    ...form.all("pair"),
    ...form
      .names()
      .filter((n) => /^conflict-\d{1,15}$/.test(n))
      .flatMap((n) => form.all(n)),
  ];
  const pairs = values.flatMap((v) => {
    const m = /^(\d{1,15}):(\d{1,15})$/.exec(v);
    return m ? [{ memberId: Number(m[1]), accountId: Number(m[2]) }] : [];
  });
  if (pairs.length === 0)
    throw new AppError("validation_failed", "请至少选择一项 / Choose at least one pair", [{ field: "pairs", message: "必填 / required" }]);
  return pairs;
}

/** Match review: a dry run shows what would link; the admin links exact matches and confirms the rest. */
export const matchConsole = new Hono<AppEnv>()
  .get("/teams/:slug/match", signedIn, teamAdmin, async (c) => {
    const ctx = consoleOf(c);
    const plan = await matchMembers(c.env.deps, callerOf(c), ctx.slug, { dryRun: true });
    return html(c, <MatchPage {...ctx} team={ctx.team} plan={plan} flash={flashOf(c)} />);
  })
  .post("/teams/:slug/match", consoleForm, signedIn, teamAdmin, (c) =>
    handlePost(c, async () => {
      const { base, slug } = consoleOf(c);
      const r = await matchMembers(c.env.deps, callerOf(c), slug, { dryRun: false });
      return c.redirect(withFlash(teamHref(base, slug, "/match"), "linked", { linked: r.linked.length }), 303);
    }),
  )
  .post("/teams/:slug/match/confirm", consoleForm, signedIn, teamAdmin, (c) =>
    handlePost(c, async (form) => {
      const { base, slug } = consoleOf(c);
      const r = await confirmMatch(c.env.deps, callerOf(c), slug, { pairs: chosenPairs(form) });
      return c.redirect(withFlash(teamHref(base, slug, "/match"), "linked", { linked: r.linked.length, refused: r.rejected.length }), 303);
    }),
  );
