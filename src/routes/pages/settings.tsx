import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../../deps";
import { AppError } from "../../errors";
import type { AccountView } from "../../services/accounts/account-view";
import type { Actor } from "../../services/actor";
import { bindOwnWecom } from "../../services/self-binding/bind-own-wecom";
import { ownBindings } from "../../services/self-binding/own-bindings";
import { startOwnBinding } from "../../services/self-binding/start-own-binding";
import { unbindOwnWecom } from "../../services/self-binding/unbind-own-wecom";
import { wecomSignInUrl } from "../../services/wecom-identity/sign-in-url";
import { SettingsPage, type SettingsPageProps } from "../../views/settings";
import { sessionAccount } from "../session-auth";
import { CSRF_MESSAGE, csrfOk, FAILED_MESSAGE, html, issueCsrf, newNonce, readForm, smallForm, wecomHandoverPolicy } from "./form-kit";
import { beginOAuth, finishOAuth } from "./oauth-state";

const BIND_STATE_COOKIE = "wr_bind_state";

const NOTICES = {
  bound: { zh: "已绑定企业微信", en: "Your account is now bound to WeCom" },
  unbound: { zh: "已解除企业微信绑定", en: "Your account is no longer bound to WeCom" },
};

type Extra = Pick<SettingsPageProps, "notice" | "error">;

async function settingsPage(
  c: Context<AppEnv>,
  nonce: string,
  account: AccountView,
  extra: Extra = {},
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  const teams = await ownBindings(c.env.deps, { kind: "account", accountId: account.id });
  return html(c, <SettingsPage nonce={nonce} csrf={issueCsrf(c)} account={account} teams={teams} {...extra} />, status);
}

function failed(c: Context<AppEnv>, nonce: string, account: AccountView, err: unknown): Promise<Response> {
  if (err instanceof AppError) return settingsPage(c, nonce, account, { error: { message: err.message } }, err.status);
  c.env.deps.logger.error("settings failed", { path: c.req.path, error: err });
  return settingsPage(c, nonce, account, { error: { message: FAILED_MESSAGE } }, 500);
}

/** Inside WeCom's in-app browser the OAuth page signs in silently; elsewhere WeCom's web login (QR) does. */
const insideWecom = (c: Context<AppEnv>) => /\bwxwork\//i.test(c.req.header("user-agent") ?? "");

const toLogin = (c: Context<AppEnv>) => c.redirect("/login?next=%2Fsettings", 303);

/** `/settings`: self-binding to WeCom (docs/http-api.md#html-pages). */
export const settingsPageRoutes = new Hono<AppEnv>()
  .get("/settings", async (c) => {
    const nonce = newNonce(c, wecomHandoverPolicy(c));
    const account = await sessionAccount(c);
    if (!account) return toLogin(c);
    const done = c.req.query("done");
    return settingsPage(c, nonce, account, { notice: done === "bound" || done === "unbound" ? NOTICES[done] : undefined });
  })
  .post("/settings/wecom/:slug/bind", smallForm, async (c) => {
    const nonce = newNonce(c, wecomHandoverPolicy(c));
    const account = await sessionAccount(c);
    if (!account) return toLogin(c);
    if (!csrfOk(c, await readForm(c))) return settingsPage(c, nonce, account, { error: { message: CSRF_MESSAGE } }, 403);
    const slug = c.req.param("slug");
    const actor: Actor = { kind: "account", accountId: account.id };
    try {
      const app = await startOwnBinding(c.env.deps, actor, { slug });
      const state = beginOAuth(c, BIND_STATE_COOKIE, slug);
      const returnPath = "/settings/wecom/callback";
      return c.redirect(
        wecomSignInUrl(c.env.deps, { corpId: app.corpId, agentId: app.agentId, returnPath, state, insideWecom: insideWecom(c) }),
        303,
      );
    } catch (err) {
      return failed(c, nonce, account, err);
    }
  })
  .get("/settings/wecom/callback", async (c) => {
    const nonce = newNonce(c, wecomHandoverPolicy(c));
    const account = await sessionAccount(c);
    if (!account) return toLogin(c);
    const slug = finishOAuth(c, BIND_STATE_COOKIE);
    if (slug === null) {
      const message = "绑定未完成或已过期，请重试 / The binding did not start here or has expired; try again";
      return settingsPage(c, nonce, account, { error: { message } }, 400);
    }
    try {
      await bindOwnWecom(c.env.deps, { kind: "account", accountId: account.id }, { slug, code: c.req.query("code") ?? "" });
      return c.redirect("/settings?done=bound", 303);
    } catch (err) {
      return failed(c, nonce, account, err);
    }
  })
  .post("/settings/wecom/:slug/unbind", smallForm, async (c) => {
    const nonce = newNonce(c, wecomHandoverPolicy(c));
    const account = await sessionAccount(c);
    if (!account) return toLogin(c);
    if (!csrfOk(c, await readForm(c))) return settingsPage(c, nonce, account, { error: { message: CSRF_MESSAGE } }, 403);
    try {
      await unbindOwnWecom(c.env.deps, { kind: "account", accountId: account.id }, { slug: c.req.param("slug") });
      return c.redirect("/settings?done=unbound", 303);
    } catch (err) {
      return failed(c, nonce, account, err);
    }
  });
