// The browser side of OAuth (docs/wecom.md#oauth-and-web-login): /connect/oauth2/authorize (inside WeCom) and
// /wwlogin/sso/login (web login). Both redirect to redirect_uri?code=CODE&state=STATE for
// whoever is "signed in to WeCom" here; with nobody signed in they show a page to pick a
// member (for browser demos). The #wechat_redirect fragment never reaches a server.
import { randomBytes } from "node:crypto";
import type { Context, Hono } from "hono";
import type { EmuEnv } from "./hono-env";
import type { EmulatorState } from "./state";

const NEXT_PREFIXES = ["/connect/oauth2/authorize?", "/wwlogin/sso/login?"];
const VISITOR_OPENID = "o-emu-visitor";

export function oauthPages(app: Hono<EmuEnv>, state: EmulatorState): void {
  app.get("/connect/oauth2/authorize", (c) => authorize(c, state, "oauth2"));
  app.get("/wwlogin/sso/login", (c) => authorize(c, state, "sso"));

  // The picker: sign in as someone, then continue to the original authorize URL.
  app.get("/_emulator/oauth/continue", (c) => {
    const next = c.req.query("next") ?? "";
    if (!NEXT_PREFIXES.some((p) => next.startsWith(p)))
      return c.html(page("参数错误 Bad request", "<p>next must be an authorize URL.</p>"), 400);
    const userid = c.req.query("userid");
    const user = userid ? state.org.getUser(userid) : undefined;
    state.signedIn = user ? { userid: user.userid } : { openid: c.req.query("openid") ?? VISITOR_OPENID };
    return c.redirect(next, 302);
  });

  app.get("/_emulator/oauth/choose", (c) => c.html(picker(state, c.req.query("next") ?? "", c.req.query("q") ?? "")));
}

function authorize(c: Context<EmuEnv>, state: EmulatorState, via: "oauth2" | "sso"): Response {
  const appid = c.req.query("appid");
  const redirectUri = c.req.query("redirect_uri");
  if (appid !== state.corpId)
    return c.html(
      page("参数错误 Bad request", `<p>appid 不是本企业的 CorpID / appid is not this corp's CorpID (${esc(state.corpId)}).</p>`),
      400,
    );
  if (!redirectUri || !/^https?:\/\//.test(redirectUri))
    return c.html(page("参数错误 Bad request", "<p>redirect_uri 无效 / invalid redirect_uri.</p>"), 400);
  const rawAgent = c.req.query("agentid");
  const agentId = rawAgent ? Number(rawAgent) : undefined;
  if (agentId !== undefined && !state.apps.has(agentId))
    return c.html(page("参数错误 Bad request", "<p>agentid 无效 / invalid agentid.</p>"), 400);
  if (via === "sso" && agentId === undefined) return c.html(page("参数错误 Bad request", "<p>agentid is required for web login.</p>"), 400);

  const who = state.signedIn;
  if (!who) {
    const url = new URL(c.req.url);
    return c.html(picker(state, `${url.pathname}${url.search}`, ""));
  }
  const code = randomBytes(32).toString("base64url");
  state.oauthCodes.set(code, {
    issuedAtMs: state.nowMs(),
    ...who,
    ...(agentId === undefined ? {} : { agentId }),
    scope: via === "sso" ? "snsapi_base" : (c.req.query("scope") ?? "snsapi_base"),
    redirectUri,
    via,
  });
  const target = new URL(redirectUri);
  target.searchParams.set("code", code);
  const st = c.req.query("state");
  if (st !== undefined) target.searchParams.set("state", st);
  return c.redirect(target.toString(), 302);
}

function picker(state: EmulatorState, next: string, q: string): string {
  const needle = q.trim().toLowerCase();
  const shown: string[] = [];
  for (const u of state.org.users.values()) {
    if (needle && !u.userid.toLowerCase().includes(needle) && !u.name.includes(q.trim())) continue;
    const href = `/_emulator/oauth/continue?userid=${encodeURIComponent(u.userid)}&next=${encodeURIComponent(next)}`;
    shown.push(`<li><a href="${esc(href)}">${esc(u.name)} <code>${esc(u.userid)}</code></a></li>`);
    if (shown.length >= 100) break;
  }
  const visitor = `/_emulator/oauth/continue?openid=${VISITOR_OPENID}&next=${encodeURIComponent(next)}`;
  return page(
    "企业微信模拟登录 WeCom emulator sign-in",
    `<p>选择要以谁的身份继续 / Continue as:</p>
<form method="get" action="/_emulator/oauth/choose"><input type="hidden" name="next" value="${esc(next)}">
<input name="q" value="${esc(q)}" placeholder="userid / 姓名"> <button>搜索 Search</button></form>
<ul>${shown.join("\n")}</ul>
<p><a href="${esc(visitor)}">非企业成员 Not a member of this corp (openid)</a></p>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1>${body}</body></html>`;
}

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
