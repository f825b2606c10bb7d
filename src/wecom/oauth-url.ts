/**
 * WeCom OAuth links (docs/wecom.md#oauth-and-web-login). The authorize URL works inside the WeCom client; the web
 * login URL from an ordinary browser. `state` carries our CSRF nonce: a-zA-Z0-9, ≤ 128 bytes.
 */
export interface OAuthLinkInput {
  oauthBase: string;
  corpId: string;
  agentId: string;
  redirectUri: string;
  state: string;
  scope?: "snsapi_base" | "snsapi_privateinfo";
}

export function authorizeUrl(i: OAuthLinkInput): string {
  if (!/^[A-Za-z0-9]{1,128}$/.test(i.state)) throw new RangeError("OAuth state must be 1–128 letters or digits");
  const q = new URLSearchParams({
    appid: i.corpId,
    redirect_uri: i.redirectUri,
    response_type: "code",
    scope: i.scope ?? "snsapi_base",
    state: i.state,
    agentid: i.agentId,
  });
  // #wechat_redirect must stay at the very end (doc 91022).
  return `${i.oauthBase}/connect/oauth2/authorize?${q.toString()}#wechat_redirect`;
}

/** Web login from a desktop browser (doc 98171); same code exchange through auth/getuserinfo. */
export function webLoginUrl(i: Omit<OAuthLinkInput, "scope" | "oauthBase"> & { loginBase: string; lang?: "zh" | "en" }): string {
  if (!/^[A-Za-z0-9]{1,128}$/.test(i.state)) throw new RangeError("OAuth state must be 1–128 letters or digits");
  const q = new URLSearchParams({
    login_type: "CorpApp",
    appid: i.corpId,
    agentid: i.agentId,
    redirect_uri: i.redirectUri,
    state: i.state,
  });
  if (i.lang) q.set("lang", i.lang);
  return `${i.loginBase}/wwlogin/sso/login?${q.toString()}`;
}
