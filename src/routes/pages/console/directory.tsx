import { Hono, type Context } from "hono";
import type { AppEnv } from "../../../deps";
import { AppError, messageIn } from "../../../errors";
import { getMember } from "../../../services/directory/get-member";
import { changeStanding } from "../../../services/directory/member-standing";
import { readAudit } from "../../../services/directory/read-audit";
import { listDepartments, listTeamMembers, type DepartmentView } from "../../../services/directory/read-directory";
import { authorizeMembers, previewAuthorize } from "../../../services/invitations/authorize";
import { AuthorizeConfirmPage } from "../../../views/console/authorize-confirm-page";
import { resendInvitation } from "../../../services/invitations/resend";
import { DepartmentsPage, departmentTree, flatten } from "../../../views/console/departments-page";
import { MemberPage } from "../../../views/console/member-page";
import { MembersPage, type MemberFilters } from "../../../views/console/members-page";
import { teamHref } from "../../../views/console/shell";
import { callerOf } from "../../session-auth";
import { html, type Form } from "../form-kit";
import { consoleOf, handlePost, signedIn, statusPage, teamAdmin } from "./gate";
import { consoleForm, flashOf, idOf, withFlash } from "./kit";

const PAGE_SIZE = "50";
/** The members page counts matches up to this many, then says "more than" (docs/members.md#the-members-page). */
export const MEMBER_COUNT_CAP = 10_000;
/** Up to this many departments the filter is a list; above it, a department id field. */
const SELECT_MAX = 300;
const LIST_KEYS = ["q", "status", "department", "cursor"] as const;

/** The list's own query keys only, from the request or from a form's `from=list:<query>`. */
function listQuery(source: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const k of LIST_KEYS) {
    const v = source.get(k);
    if (v && v.length <= 100) out.set(k, v);
  }
  return out;
}

/** Where an action returns: the member's page, or the list as it was filtered. */
function returnUrl(c: Context<AppEnv>, form: Form): string {
  const { base, slug } = consoleOf(c);
  const from = form.get("from") ?? "";
  const member = /^member:(\d{1,15})$/.exec(from);
  if (member) return teamHref(base, slug, `/members/${member[1]}`);
  const q = from.startsWith("list:") ? listQuery(new URLSearchParams(from.slice(5))).toString() : "";
  return teamHref(base, slug, `/members${q ? `?${q}` : ""}`);
}

const nameMap = (items: DepartmentView[]) => new Map(items.map((d) => [d.id, d.name]));

/** The input authorizeMembers takes, from the bulk form's scope button. */
function authorizeInput(form: Form): unknown {
  const scope = form.get("scope");
  if (scope === "department") return { departmentId: idOf(form.get("department")) };
  const users = form.all("user").filter((u) => u !== "");
  if (users.length === 0)
    throw new AppError("validation_failed", "请至少选择一名成员 / Select at least one member", [
      { field: "user", message: "必填 / required" },
    ]);
  return { wecomUserIds: users };
}

/** The confirmation page of a department authorize: how many, who (the first few), and the form that really sends. */
async function confirmAuthorize(c: Context<AppEnv>, form: Form, input: { departmentId: number }): Promise<Response> {
  const ctx = consoleOf(c);
  const [preview, departments] = await Promise.all([
    previewAuthorize(c.env.deps, callerOf(c), ctx.slug, input),
    listDepartments(c.env.deps, callerOf(c), ctx.slug),
  ]);
  const name = departments.items.find((d) => d.id === input.departmentId)?.name ?? `#${input.departmentId}`;
  const from = form.get("from") ?? "";
  const cancelHref = from === "departments" ? teamHref(ctx.base, ctx.slug, "/departments") : returnUrl(c, form);
  return html(
    c,
    <AuthorizeConfirmPage
      {...ctx}
      team={ctx.team}
      department={{ id: input.departmentId, name }}
      preview={preview}
      action={teamHref(ctx.base, ctx.slug, "/members/authorize")}
      cancelHref={cancelHref}
      from={from}
    />,
  );
}

const VERBS = { invitation: "resent", unlock: "unlocked", restore: "restored" } as const;

/** Departments (read-only tree), the members table, a member's page, and what an admin can do to members. */
export const directoryConsole = new Hono<AppEnv>()
  .get("/teams/:slug/departments", signedIn, teamAdmin, async (c) => {
    const ctx = consoleOf(c);
    const { items } = await listDepartments(c.env.deps, callerOf(c), ctx.slug);
    return html(c, <DepartmentsPage {...ctx} team={ctx.team} departments={items} flash={flashOf(c)} />);
  })
  .get("/teams/:slug/members", signedIn, teamAdmin, async (c) => {
    const ctx = consoleOf(c);
    const deps = c.env.deps;
    const query = listQuery(new URL(c.req.url).searchParams);
    const filters: MemberFilters = {
      q: query.get("q") ?? "",
      status: query.get("status") ?? "",
      department: Number.isNaN(idOf(query.get("department") ?? undefined)) ? undefined : idOf(query.get("department") ?? undefined),
      cursor: query.get("cursor") ?? "",
    };
    const listing = listTeamMembers(
      deps,
      callerOf(c),
      ctx.slug,
      {
        q: filters.q,
        status: filters.status,
        department: query.get("department") ?? undefined,
        cursor: filters.cursor,
        limit: PAGE_SIZE,
      },
      { countUpTo: MEMBER_COUNT_CAP },
    ).catch((err: unknown) => {
      if (err instanceof AppError && err.code === "validation_failed") return err;
      throw err;
    });
    const departments = await listDepartments(deps, callerOf(c), ctx.slug);
    const listed = await listing;
    const failed = listed instanceof AppError;
    const page = failed ? { items: [], nextCursor: null, total: 0 } : listed;
    const fields = failed ? (listed.fields ?? []).map((f) => f.field).join(", ") : "";
    // Still "中文 / English", as the error box expects, with the fields named in each half.
    const error = failed ? `${messageIn(listed.message, "zh")}：${fields} / ${messageIn(listed.message, "en")}: ${fields}` : undefined;
    const props = { ...ctx, team: ctx.team, filters, page, error, flash: flashOf(c) };
    // A list of thousands of departments costs more to send and render than the page itself.
    const options = departments.items.length <= SELECT_MAX ? flatten(departmentTree(departments.items)) : null;
    return html(
      c,
      <MembersPage {...props} departmentOptions={options} departmentNames={nameMap(departments.items)} returnQuery={query.toString()} />,
      failed ? 422 : 200,
    );
  })
  .post("/teams/:slug/members/authorize", consoleForm, signedIn, teamAdmin, (c) =>
    handlePost(c, async (form) => {
      // Nothing ticked is a slip, not an error: back to the same list, which says what to do.
      if (form.get("scope") !== "department" && form.all("user").every((u) => u === ""))
        return c.redirect(withFlash(returnUrl(c, form), "none_selected"), 303);
      const input = authorizeInput(form);
      // A department tree can be the whole company: nothing is sent before the admin has seen how many.
      if (form.get("scope") === "department" && form.get("confirmed") !== "1")
        return confirmAuthorize(c, form, input as { departmentId: number });
      const r = await authorizeMembers(c.env.deps, callerOf(c), consoleOf(c).slug, input);
      const counts = {
        authorized: r.authorized,
        invited: r.invited,
        alreadyActive: r.alreadyActive,
        alreadyInvited: r.alreadyInvited,
        skipped: r.skipped.length,
        invalid: r.invalidUsers.length,
      };
      return c.redirect(withFlash(returnUrl(c, form), "authorized", counts), 303);
    }),
  )
  .get("/teams/:slug/members/:id", signedIn, teamAdmin, async (c) => {
    const ctx = consoleOf(c);
    const deps = c.env.deps;
    const id = idOf(c.req.param("id"));
    const missing = new AppError("not_found", `成员 ${c.req.param("id")} 不存在 / Member ${c.req.param("id")} not found`);
    if (!(id >= 1)) return statusPage(c, missing);
    const [member, departments, history] = await Promise.all([
      getMember(deps, callerOf(c), ctx.slug, id),
      listDepartments(deps, callerOf(c), ctx.slug),
      readAudit(deps, callerOf(c), ctx.slug, { subjectType: "member", subjectId: String(id), limit: "100" }),
    ]);
    return html(
      c,
      <MemberPage
        {...ctx}
        team={ctx.team}
        member={member}
        departmentNames={nameMap(departments.items)}
        history={history.items}
        olderCursor={history.nextCursor}
        flash={flashOf(c)}
      />,
    );
  })
  .post("/teams/:slug/members/:id/:verb{invitation|unlock|restore}", consoleForm, signedIn, teamAdmin, (c) =>
    handlePost(c, async (form) => {
      const { slug } = consoleOf(c);
      const id = idOf(c.req.param("id"));
      const verb = c.req.param("verb") as keyof typeof VERBS;
      if (verb === "invitation") await resendInvitation(c.env.deps, callerOf(c), slug, id);
      else await changeStanding(c.env.deps, callerOf(c), slug, id, verb);
      return c.redirect(withFlash(returnUrl(c, form), VERBS[verb]), 303);
    }),
  );
