import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../../deps";
import { AppError } from "../../../errors";
import type { AccountView } from "../../../services/accounts/account-view";
import { listMyTeams } from "../../../services/access/list-my-teams";
import { requireTeamAdmin } from "../../../services/access/policy";
import type { TeamAccess } from "../../../services/access/team-access";
import { ConsoleStatus } from "../../../views/console/parts";
import { sessionAccount } from "../../session-auth";
import { basePath, csrfOk, FAILED_MESSAGE, html, issueCsrf, readForm, type Form } from "../form-kit";
import { CONSOLE_CSRF_MESSAGE, consoleNonce } from "./kit";

/** What every console handler knows once the gate let it through. */
export interface ConsoleContext {
  account: AccountView;
  nonce: string;
  csrf: string;
  base: string;
  /** Set on team pages: the slug of the path, the team as its header shows it, and the caller's standing in that team. */
  slug: string;
  team: { slug: string; name: string } | undefined;
  access: TeamAccess | null;
}

declare module "hono" {
  interface ContextVariableMap {
    console?: ConsoleContext;
  }
}

export function consoleOf(c: Context<AppEnv>): ConsoleContext {
  const ctx = c.get("console");
  if (!ctx) throw new Error("console route without its gate");
  return ctx;
}

/** A team slug as createTeam allows it; anything else cannot be a team. */
export const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

export function statusPage(c: Context<AppEnv>, err: AppError): Promise<Response> {
  const ctx = c.get("console");
  const nonce = ctx?.nonce ?? consoleNonce(c);
  return html(c, <ConsoleStatus nonce={nonce} base={basePath(c)} code={err.code} message={err.message} />, err.status);
}

/** Any console page: a signed-in account, else off to the sign-in page and back here afterwards. */
export const signedIn = createMiddleware<AppEnv>(async (c, next) => {
  const nonce = consoleNonce(c);
  const base = basePath(c);
  const account = await sessionAccount(c);
  if (!account) {
    const url = new URL(c.req.url);
    return c.redirect(`${base}/login?next=${encodeURIComponent(`${base}${url.pathname}${url.search}`)}`, 303);
  }
  c.set("caller", { kind: "account", accountId: account.id });
  c.set("console", { account, nonce, csrf: issueCsrf(c), base, slug: "", team: undefined, access: null });
  await next();
});

/**
 * Team administration pages: the account must be an active owner or admin of the path's team
 * (services/access/team-access.ts). Refusals are pages with the API's codes and statuses: a plain
 * member 403 forbidden, locked 403 member_locked, deauthorized 403 not_authorized, anyone else or
 * an unknown team 403 not_a_member.
 */
export const teamAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const ctx = consoleOf(c);
  const slug = c.req.param("slug") ?? "";
  try {
    if (!SLUG.test(slug)) throw new AppError("not_a_member", "你不是该团队的成员 / You are not a member of this team");
    const caller = { kind: "account", accountId: ctx.account.id } as const;
    // The header names the team: the account's team list is one read on members_account_team.
    const [access, mine] = await Promise.all([requireTeamAdmin(c.env.deps, caller, slug), listMyTeams(c.env.deps, caller)]);
    ctx.access = access;
    ctx.team = { slug, name: mine.find((t) => t.slug === slug)?.name ?? slug };
  } catch (err) {
    if (err instanceof AppError) return statusPage(c, err);
    throw err;
  }
  ctx.slug = slug;
  await next();
});

/**
 * A console form post: the CSRF field must match (else a 403 page), then `act` runs. An AppError
 * from the verb becomes `onError`'s page (or a generic error page), anything else is logged and
 * shown as a plain failure — never a stack.
 */
export async function handlePost(
  c: Context<AppEnv>,
  act: (form: Form) => Promise<Response>,
  onError?: (err: AppError, form: Form) => Promise<Response>,
): Promise<Response> {
  const form = await readForm(c);
  if (!csrfOk(c, form)) return statusPage(c, new AppError("csrf_failed", CONSOLE_CSRF_MESSAGE));
  try {
    return await act(form);
  } catch (err) {
    if (err instanceof AppError) return onError ? onError(err, form) : statusPage(c, err);
    c.env.deps.logger.error("console action failed", { path: c.req.path, error: err });
    return statusPage(c, new AppError("internal", FAILED_MESSAGE));
  }
}
