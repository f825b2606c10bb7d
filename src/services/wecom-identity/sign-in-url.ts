import type { Deps } from "../../deps";
import { authorizeUrl, webLoginUrl } from "../../wecom/oauth-url";

/**
 * Where a person goes for WeCom to say who they are (docs/wecom.md#oauth-and-web-login): inside
 * WeCom's own browser the OAuth page, which signs in silently; from any other browser the web
 * login (QR). WeCom sends them back to `returnPath` with a code and our `state`.
 */
export function wecomSignInUrl(
  deps: Pick<Deps, "config">,
  p: { corpId: string; agentId: string; returnPath: string; state: string; insideWecom: boolean },
): string {
  const { config } = deps;
  const link = { corpId: p.corpId, agentId: p.agentId, redirectUri: `${config.publicUrl}${p.returnPath}`, state: p.state };
  return p.insideWecom
    ? authorizeUrl({ ...link, oauthBase: config.wecomOauthBase })
    : webLoginUrl({ ...link, loginBase: config.wecomLoginBase });
}
