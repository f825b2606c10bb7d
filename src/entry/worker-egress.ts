import type { WecomApi } from "../wecom/api";
import { WecomApiError } from "../wecom/api-error";
import type { WecomClient } from "../wecom/client";
import type { Hint } from "../wecom/errcodes";

/** WeCom's own API host: calls go straight out of Cloudflare's network. */
export const WECOM_DIRECT_API_BASE = "https://qyapi.weixin.qq.com";

/**
 * The 60020 hint on Workers. Apps created since 2022-06-20 accept calls only from their trusted
 * IPs (docs/wecom.md#trusted-ip), and Workers have no fixed egress IP, so "add IP x" cannot last
 * unless WECOM_API_BASE points at a relay with a fixed egress IP.
 */
export function relayHint(ip: string, direct: boolean): Hint {
  if (direct) {
    return {
      zh: `企业微信拒绝了来自 IP ${ip} 的调用（60020）。Cloudflare Workers 没有固定出口 IP，加入这个 IP 不能长期生效：请部署一个有固定出口 IP 的转发服务（原样转发 /cgi-bin/ 路径），把 WECOM_API_BASE 指向它，再把它的出口 IP 加入应用的“企业可信IP”（约 1 分钟生效）`,
      en: `WeCom refused calls from IP ${ip} (60020). Cloudflare Workers have no fixed egress IP, so adding this one will not last: run a relay with a fixed egress IP that forwards the /cgi-bin/ paths unchanged, point WECOM_API_BASE at it, and add the relay's egress IP to the app's trusted IPs (takes about a minute)`,
    };
  }
  return {
    zh: `企业微信拒绝了来自 IP ${ip} 的调用（60020）：请把转发服务（WECOM_API_BASE）的出口 IP ${ip} 加入应用的“企业可信IP”（约 1 分钟生效）`,
    en: `WeCom refused calls from IP ${ip} (60020): add the relay's (WECOM_API_BASE) egress IP ${ip} to the app's trusted IPs (takes about a minute)`,
  };
}

/** A 60020 whose hint names the relay; still a WecomApiError, so every caller treats it the same. */
class TrustedIpError extends WecomApiError {
  override readonly hint: Hint;

  constructor(err: WecomApiError, hint: Hint) {
    super(err.api, err.errcode, err.errmsg);
    this.hint = hint;
    this.message = `WeCom ${err.api} → ${err.errcode}: ${hint.en}`;
  }
}

function withRelayHint(api: WecomApi, direct: boolean): WecomApi {
  const rewrite = (err: unknown): unknown =>
    err instanceof WecomApiError && err.errcode === 60020 && !(err instanceof TrustedIpError)
      ? new TrustedIpError(err, relayHint(err.ip ?? "?", direct))
      : err;
  return new Proxy(api, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      const method = value as (...args: unknown[]) => Promise<unknown>;
      return async (...args: unknown[]) => {
        try {
          return await method.apply(target, args);
        } catch (err) {
          throw rewrite(err);
        }
      };
    },
  });
}

/** The Workers view of the WeCom client: same calls, 60020 explained for a runtime without a fixed IP. */
export function workersEgress(client: WecomClient, apiBase: string): WecomClient {
  const direct = new URL(apiBase).host === new URL(WECOM_DIRECT_API_BASE).host;
  return { for: (creds) => withRelayHint(client.for(creds), direct) };
}
