/**
 * What WeCom's errcodes mean for us (docs/wecom.md#access-token, docs/wecom.md#rate-limits,
 * docs/wecom.md#error-codes; doc 90313).
 * - transient: back off and retry (bounded)
 * - token: the access token is bad; invalidate, refetch, retry once
 * - fatal: surface to the admin; never loop (repeated bad gettoken blocks the IP for an hour)
 */
export type ErrcodeClass = "transient" | "token" | "fatal";

export function classifyErrcode(errcode: number): ErrcodeClass {
  if (errcode === -1 || errcode === 45009 || errcode === 45033) return "transient";
  if (errcode === 40014 || errcode === 42001 || errcode === 41001) return "token";
  return "fatal";
}

/** Admin-readable hints, Chinese first (docs/wecom.md#error-codes). `{ip}` is filled from 60020's errmsg. */
const HINTS: Record<number, [zh: string, en: string]> = {
  [-1]: ["企业微信繁忙，稍后自动重试", "WeCom busy, retrying shortly"],
  40001: ["Secret 不正确或应用已停用，请核对自建应用的 Secret", "Secret wrong or app stopped — check the self-built app's Secret"],
  40003: ["成员 ID 无效", "Invalid member id"],
  40013: ["CorpID 不正确，见管理后台“我的企业”", "CorpID is wrong — see My Company in the admin console"],
  40014: ["访问令牌无效（自动处理）", "Invalid access token (handled automatically)"],
  40029: ["登录已失效，请重新打开链接", "Login expired — open the link again"],
  40031: ["部分成员不在应用可见范围", "Some members are outside the app's visibility"],
  40056: ["AgentId 不正确", "AgentId is wrong"],
  40091: ["Secret 不属于该企业", "Secret does not belong to this corp"],
  41001: ["内部错误：缺少访问令牌", "Internal error: access token missing"],
  42001: ["访问令牌过期（自动处理）", "Access token expired (handled automatically)"],
  42003: ["登录已超时，请重试", "Login timed out — retry"],
  42022: ["该操作已处理过", "Already handled (single-use code)"],
  42045: ["内部错误：卡片缺少 card_action", "Internal error: card_action missing"],
  45009: ["调用频率超限，稍后继续", "Rate limit hit — resuming later"],
  45033: ["并发过高，已自动降速", "Too many parallel calls — slowing down"],
  48002: ["请使用自建应用的 Secret（不是通讯录同步 Secret）", "Use the self-built app's Secret, not the contact-sync secret"],
  48009: ["通讯录同步 Secret 不能读取详情，请改用自建应用的 Secret", "The contact-sync secret can't read details — use the app's Secret"],
  50001: ["请把本服务域名设为应用的可信域名", "Add this service's domain as the app's trusted domain"],
  50002: ["该成员不在应用可见范围", "Member is outside the app's visibility"],
  50003: ["应用已被禁用，请在管理后台启用", "The app is disabled — enable it in the admin console"],
  60011: ["可见范围不包含该对象，请调整应用的可见范围", "Not in the app's visibility — widen the app's visibility range"],
  60020: ["请把 IP {ip} 加入应用的“企业可信IP”（约 1 分钟生效）", "Add IP {ip} to the app's trusted IPs (takes about a minute)"],
  60111: ["成员已离开或不可见", "Member left or is no longer visible"],
  60123: ["部门不存在或不可见", "Department gone or not visible"],
  81013: ["所有接收人无效或不可见", "No valid recipients"],
  82001: ["内部错误：没有接收人", "Internal error: no recipients"],
  301002: ["AgentId 与 Secret 不属于同一应用", "AgentId and Secret belong to different apps"],
};

export interface Hint {
  zh: string;
  en: string;
}

/** The IP WeCom saw, from 60020's errmsg ("… from ip: 203.0.113.7, more info …"). */
export function ipFromErrmsg(errmsg: string): string | undefined {
  return /from ip:\s*([0-9a-fA-F.:]+)/.exec(errmsg)?.[1]?.replace(/[.:]$/, "");
}

export function hintFor(errcode: number, errmsg: string): Hint {
  const known = HINTS[errcode];
  if (!known) return { zh: `企业微信返回错误 ${errcode}`, en: `WeCom returned error ${errcode}` };
  const ip = ipFromErrmsg(errmsg) ?? "?";
  return { zh: known[0].replace("{ip}", ip), en: known[1].replace("{ip}", ip) };
}
