import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../../deps";
import { AppError } from "../../errors";
import { logOut } from "../../services/accounts/log-out";
import type { Actor } from "../../services/actor";
import { identifyInvitee } from "../../services/join/identify-invitee";
import { inspectInvitation, type OpenInvitation } from "../../services/join/inspect-invitation";
import { joinTeam, type JoinAs } from "../../services/join/join-team";
import { wecomSignInUrl } from "../../services/wecom-identity/sign-in-url";
import { JOIN_PASS_COOKIE, JOIN_PASS_TTL_MS, openJoinPass, sealJoinPass, type JoinPass } from "../../security/join-pass";
import { SESSION_COOKIE } from "../../security/session";
import { JoinForm, JoinNotice, type JoinFormProps, type JoinNoticeProps } from "../../views/join";
import type { Bilingual } from "../../views/labels";
import { clearSessionCookie, clientIp, sessionAccount, setSessionCookie } from "../session-auth";
import {
  CSRF_MESSAGE,
  csrfOk,
  FAILED_MESSAGE,
  html,
  issueCsrf,
  langOf,
  newNonce,
  readForm,
  withRetryAfter,
  smallForm,
  wecomHandoverPolicy,
  type Form,
} from "./form-kit";
import { beginOAuth, finishOAuth } from "./oauth-state";
import { readCookie, writeCookie, clearCookie } from "../cookies";

const visitor: Actor = { kind: "system", reason: "join" };
const JOIN_STATE_COOKIE = "wr_join_state";

/** Errors the person fixes on the form itself; every other refusal ends on a notice. */
const FORM_ERRORS = new Set([
  "validation_failed",
  "invalid_credentials",
  "too_many_attempts",
  "username_taken",
  "bad_request",
  "csrf_failed",
]);

const TITLES: Partial<Record<string, Bilingual>> = {
  invitation_used: { zh: "邀请已使用", en: "Invitation already used" },
  invitation_expired: { zh: "邀请已过期", en: "Invitation expired" },
  invitation_wrong_user: { zh: "这不是你的邀请", en: "This invitation is not yours" },
  not_in_corp: { zh: "无法加入", en: "Cannot join" },
  member_locked: { zh: "成员已锁定", en: "Membership locked" },
  not_authorized: { zh: "未获授权", en: "Not authorized" },
  oauth_failed: { zh: "请重新打开链接", en: "Open the link again" },
};
const DEFAULT_TITLE: Bilingual = { zh: "邀请无效", en: "Invitation not valid" };
const JOINED: Bilingual = { zh: "你已加入", en: "You have joined" };

function notice(
  c: Context<AppEnv>,
  nonce: string,
  props: Omit<JoinNoticeProps, "nonce" | "lang">,
  status: ContentfulStatusCode,
): Promise<Response> {
  return html(c, <JoinNotice {...props} nonce={nonce} lang={langOf(c)} />, status);
}

/** A refusal as a page: what happened and what to do, in the person's language; never a stack. */
async function refusal(c: Context<AppEnv>, nonce: string, err: unknown): Promise<Response> {
  if (!(err instanceof AppError)) {
    c.env.deps.logger.error("join page failed", { error: err });
    return notice(c, nonce, { title: { zh: "出错了", en: "Something went wrong" }, message: FAILED_MESSAGE, tone: "alert" }, 500);
  }
  // A used link opened by the account that joined with it is the "you're in" page, not an error.
  if (err.code === "invitation_used") {
    const account = await sessionAccount(c);
    const joinedHere = account !== null && account.id === err.details?.accountId;
    const team = typeof err.details?.team === "string" ? err.details.team : "";
    if (joinedHere)
      return notice(
        c,
        nonce,
        { title: JOINED, message: `你已是团队「${team}」的成员 / You are a member of ${team}`, tone: "ok", showAccountLink: true },
        200,
      );
  }
  const tone = err.code === "invitation_used" ? "warn" : "alert";
  return notice(c, nonce, { title: TITLES[err.code] ?? DEFAULT_TITLE, message: err.message, tone }, err.status);
}

function passOf(c: Context<AppEnv>, open: OpenInvitation): JoinPass | null {
  const { config, clock } = c.env.deps;
  const pass = openJoinPass(config.appSecret, readCookie(c, JOIN_PASS_COOKIE), clock.now());
  return pass && pass.invitationId === open.invitation.id && pass.userKey === open.invitation.wecomUserKey ? pass : null;
}

/**
 * No pass yet: off to WeCom OAuth (snsapi_base, docs/wecom.md#oauth-and-web-login) to learn who
 * opened the link. Always the OAuth page: an invitation card opens inside WeCom.
 */
function toWecom(c: Context<AppEnv>, token: string, open: OpenInvitation): Response {
  const state = beginOAuth(c, JOIN_STATE_COOKIE, token);
  const { corpId, agentId } = open.binding;
  return c.redirect(wecomSignInUrl(c.env.deps, { corpId, agentId, returnPath: "/join/oauth", state, insideWecom: true }), 302);
}

async function formPage(
  c: Context<AppEnv>,
  nonce: string,
  open: OpenInvitation,
  extra: Partial<JoinFormProps> = {},
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  const account = await sessionAccount(c);
  const props: JoinFormProps = {
    lang: langOf(c),
    nonce,
    csrf: issueCsrf(c),
    teamName: open.team.name,
    memberName: open.member.name,
    userId: open.member.wecomUserId ?? open.invitation.wecomUserKey,
    account: account ? { name: account.name, username: account.username } : undefined,
    ...extra,
  };
  return html(c, <JoinForm {...props} />, status);
}

function joinAs(c: Context<AppEnv>, form: Form, accountId: number | undefined): JoinAs | null {
  const replacesToken = readCookie(c, SESSION_COOKIE);
  switch (form.get("action")) {
    case "accept":
      return accountId === undefined ? null : { kind: "session", accountId };
    case "login":
      return { kind: "login", input: { username: form.get("username"), password: form.get("password") }, ip: clientIp(c), replacesToken };
    case "register":
      return {
        kind: "register",
        input: { username: form.get("username"), password: form.get("password"), name: form.get("name") },
        ip: clientIp(c),
        replacesToken,
      };
    default:
      return null;
  }
}

/** `GET /join/:token` and its forms (docs/http-api.md#html-pages): works without JavaScript, inside WeCom. */
export const joinPageRoutes = new Hono<AppEnv>()
  // WeCom's redirect back: ?code=…&state=… (before /join/:token, which would take "oauth" as a token).
  .get("/join/oauth", async (c) => {
    const nonce = newNonce(c, wecomHandoverPolicy(c));
    const { deps } = c.env;
    const token = finishOAuth(c, JOIN_STATE_COOKIE);
    if (token === null) {
      const message =
        "登录未完成或已过期，请回到企业微信重新打开邀请 / The sign-in did not start here or has expired; open the invitation again in WeCom";
      return notice(c, nonce, { title: TITLES.oauth_failed!, message, tone: "warn" }, 400);
    }
    try {
      const pass = await identifyInvitee(deps, visitor, { token, code: c.req.query("code") ?? "" });
      writeCookie(c, JOIN_PASS_COOKIE, sealJoinPass(deps.config.appSecret, pass, deps.clock.now()), JOIN_PASS_TTL_MS / 1000);
      return c.redirect(`/join/${token}`, 303);
    } catch (err) {
      return refusal(c, nonce, err);
    }
  })
  .get("/join/:token", async (c) => {
    const nonce = newNonce(c, wecomHandoverPolicy(c));
    const token = c.req.param("token");
    let open: OpenInvitation;
    try {
      open = await inspectInvitation(c.env.deps, visitor, token);
    } catch (err) {
      return refusal(c, nonce, err);
    }
    if (!passOf(c, open)) return toWecom(c, token, open);
    return formPage(c, nonce, open);
  })
  .post("/join/:token", smallForm, async (c) => {
    const nonce = newNonce(c, wecomHandoverPolicy(c));
    const { deps } = c.env;
    const token = c.req.param("token");
    const form = await readForm(c);
    let open: OpenInvitation;
    try {
      open = await inspectInvitation(deps, visitor, token);
    } catch (err) {
      return refusal(c, nonce, err);
    }
    const pass = passOf(c, open);
    if (!pass) return toWecom(c, token, open);
    const values = { username: form.get("username"), name: form.get("name") };
    if (!csrfOk(c, form)) return formPage(c, nonce, open, { values, error: { message: CSRF_MESSAGE } }, 403);

    const account = await sessionAccount(c);
    if (form.get("action") === "switch") {
      await logOut(deps, visitor, readCookie(c, SESSION_COOKIE));
      clearSessionCookie(c);
      return c.redirect(`/join/${token}`, 303);
    }
    const as = joinAs(c, form, account?.id);
    if (!as) return c.redirect(`/join/${token}`, 303);
    try {
      const joined = await joinTeam(deps, visitor, { token, pass, as });
      if (joined.session) setSessionCookie(c, joined.session.token, joined.session.expiresAt);
      clearCookie(c, JOIN_PASS_COOKIE);
      // Post/redirect/get: the link now shows "you have joined" to this account, and a reload posts nothing.
      return c.redirect(`/join/${token}`, 303);
    } catch (err) {
      if (err instanceof AppError && FORM_ERRORS.has(err.code)) {
        withRetryAfter(c, err);
        return formPage(
          c,
          nonce,
          open,
          { values, error: { message: err.message, ...(err.fields ? { fields: err.fields } : {}) } },
          err.status,
        );
      }
      return refusal(c, nonce, err);
    }
  });
