import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../../../deps";
import { AppError } from "../../../errors";
import { readVisibility } from "../../../services/teams/read-visibility";
import type { VisibilityState } from "../../../views/console/visibility-card";
import { bindWecom } from "../../../services/teams/bind-wecom";
import { setBotAdmins } from "../../../services/teams/set-bot-admins";
import { getBinding } from "../../../services/teams/get-binding";
import { BindingPage, type BindingPageProps } from "../../../views/console/binding-page";
import { callerOf } from "../../session-auth";
import { html, type Form } from "../form-kit";
import { consoleOf, handlePost, signedIn, teamAdmin } from "./gate";
import { teamHref } from "../../../views/console/shell";
import { consoleForm, flashOf, withFlash } from "./kit";

const list = (v: string | undefined): string[] => (v ?? "").split(/[\s,，、]+/).filter((s) => s !== "");

/** The form as bindWecom's input: numbers where it wants numbers, lists from comma-separated text. */
function bindInput(form: Form): Record<string, unknown> {
  const agentId = form.get("agentId")?.trim() ?? "";
  const scope = list(form.get("scopeDepartmentIds"));
  return {
    corpId: form.get("corpId")?.trim(),
    agentId: /^\d{1,10}$/.test(agentId) ? Number(agentId) : agentId,
    secret: form.get("secret")?.trim(),
    token: form.get("token")?.trim(),
    encodingAesKey: form.get("encodingAesKey")?.trim(),
    adminUserIds: list(form.get("adminUserIds")),
    scopeDepartmentIds: scope.map((s) => (/^\d{1,10}$/.test(s) ? Number(s) : s)),
  };
}

/** What goes back into the form after an error: never the secret, token or key. */
const echo = (form: Form) => ({
  corpId: form.get("corpId"),
  agentId: form.get("agentId"),
  adminUserIds: form.get("adminUserIds"),
  scopeDepartmentIds: form.get("scopeDepartmentIds"),
});

async function page(
  c: Context<AppEnv>,
  extra: Partial<BindingPageProps>,
  status: ContentfulStatusCode = 200,
  range?: Promise<VisibilityState | undefined>,
): Promise<Response> {
  const ctx = consoleOf(c);
  const [binding, visibility] = await Promise.all([getBinding(c.env.deps, callerOf(c), ctx.slug), range]);
  return html(c, <BindingPage {...ctx} team={ctx.team} binding={binding} visibility={visibility} {...extra} />, status);
}

/**
 * The range WeCom reports now, or WeCom's failure as the page shows it: the page itself never fails
 * for it. Nothing to ask before the team is bound.
 */
async function liveRange(c: Context<AppEnv>): Promise<VisibilityState | undefined> {
  try {
    return { range: await readVisibility(c.env.deps, callerOf(c), consoleOf(c).slug) };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (err.code === "not_bound") return undefined;
    const d = err.details ?? {};
    return {
      error: {
        code: err.code,
        message: err.message,
        errcode: typeof d.errcode === "number" ? d.errcode : undefined,
        ip: typeof d.ip === "string" ? d.ip : undefined,
      },
    };
  }
}

/** The WeCom binding form: checked live with WeCom on submit (bind-wecom.ts), nothing stored on failure. */
export const bindingConsole = new Hono<AppEnv>()
  .get("/teams/:slug/wecom", signedIn, teamAdmin, (c) => page(c, { flash: flashOf(c) }, 200, liveRange(c)))
  .post("/teams/:slug/wecom", consoleForm, signedIn, teamAdmin, (c) =>
    handlePost(
      c,
      async (form) => {
        const result = await bindWecom(c.env.deps, callerOf(c), consoleOf(c).slug, bindInput(form));
        return page(c, { result });
      },
      (err: AppError, form) => {
        const d = err.details ?? {};
        const refusal = typeof d.errcode === "number" ? { errcode: d.errcode, ip: typeof d.ip === "string" ? d.ip : undefined } : undefined;
        return page(c, { error: err.message, fields: err.fields, values: echo(form), refusal }, err.status);
      },
    ),
  )
  // The bot's admins alone, without the secrets (set-bot-admins.ts).
  .post("/teams/:slug/wecom/admins", consoleForm, signedIn, teamAdmin, (c) =>
    handlePost(
      c,
      async (form) => {
        const { base, slug } = consoleOf(c);
        await setBotAdmins(c.env.deps, callerOf(c), slug, { adminUserIds: list(form.get("admins")) });
        return c.redirect(withFlash(teamHref(base, slug, "/wecom"), "admins_saved"), 303);
      },
      (err, form) =>
        page(
          c,
          { error: err.message, admins: { value: form.get("admins"), error: err.fields?.find((f) => f.field === "adminUserIds") } },
          err.status,
        ),
    ),
  );
