import { Hono, type Context } from "hono";
import type { AppEnv } from "../../../deps";
import { lockMember } from "../../../services/access/lock-member";
import { setMemberRole } from "../../../services/access/set-member-role";
import { MemberConfirmPage, type MemberChangeAsked } from "../../../views/console/member-confirm-page";
import { teamHref } from "../../../views/console/shell";
import { callerOf } from "../../session-auth";
import { html } from "../form-kit";
import { consoleOf, handlePost, signedIn, teamAdmin } from "./gate";
import { consoleForm, idOf, withFlash } from "./kit";

/** The member's page, where these forms are and where their results show. */
const memberUrl = (c: Context<AppEnv>, id: number) => teamHref(consoleOf(c).base, consoleOf(c).slug, `/members/${id}`);

/** The confirmation step: the verb ran every check (preview) and wrote nothing. */
function confirm(
  c: Context<AppEnv>,
  id: number,
  member: { id: number; name: string; accountId: number | null },
  change: MemberChangeAsked,
  verb: string,
): Promise<Response> {
  const ctx = consoleOf(c);
  return html(
    c,
    <MemberConfirmPage
      {...ctx}
      team={ctx.team}
      member={member}
      change={change}
      action={`${memberUrl(c, id)}/${verb}`}
      cancelHref={memberUrl(c, id)}
    />,
  );
}

/** Lock a member, or give or take the admin role (docs/members.md#管理控制台-admin-console), each confirmed first. */
export const memberAccessConsole = new Hono<AppEnv>()
  .post("/teams/:slug/members/:id/lock", consoleForm, signedIn, teamAdmin, (c) =>
    handlePost(c, async (form) => {
      const id = idOf(c.req.param("id"));
      const preview = form.get("confirmed") !== "1";
      const m = await lockMember(c.env.deps, callerOf(c), consoleOf(c).slug, id, { preview });
      if (preview) return confirm(c, id, m, { kind: "lock", status: m.status }, "lock");
      return c.redirect(withFlash(memberUrl(c, id), "locked"), 303);
    }),
  )
  .post("/teams/:slug/members/:id/role", consoleForm, signedIn, teamAdmin, (c) =>
    handlePost(c, async (form) => {
      const id = idOf(c.req.param("id"));
      const preview = form.get("confirmed") !== "1";
      const r = await setMemberRole(c.env.deps, callerOf(c), consoleOf(c).slug, id, { role: form.get("role") }, { preview });
      if (preview && r.changed) return confirm(c, id, r, { kind: "role", role: r.role }, "role");
      return c.redirect(withFlash(memberUrl(c, id), "role_saved"), 303);
    }),
  );
