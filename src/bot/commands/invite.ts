import { AppError } from "../../errors";
import { memberByUserId } from "../../services/directory/get-member";
import { resendInvitation } from "../../services/invitations/resend";
import { defineCommand, type BotContext, type Parsed } from "../command";
import type { Lang } from "../lang";
import { splitUserIds } from "./user-ids";

type Sent = {
  userId: string;
  outcome: "sent" | "invalid_user" | "failed" | "not_found" | "rate_limited" | "not_invitable";
  detail?: string;
};

/** Re-sending pages through the members one by one; a chat command keeps it small. */
const MAX_IDS = 20;

function parse(args: string[]): Parsed<string[]> {
  const ids = splitUserIds(args);
  if (ids.length === 0) return { ok: false };
  if (ids.length > MAX_IDS)
    return { ok: false, problem: { zh: `一次最多 ${MAX_IDS} 个账号。`, en: `At most ${MAX_IDS} userids at a time.` } };
  return { ok: true, args: ids };
}

async function resendOne(ctx: BotContext, userId: string): Promise<Sent> {
  const member = await memberByUserId(ctx.deps, ctx.actor, ctx.team.slug, userId);
  if (!member) return { userId, outcome: "not_found" };
  try {
    const r = await resendInvitation(ctx.deps, ctx.actor, ctx.team.slug, member.id);
    const d = r.invitation.delivery;
    return { userId: member.wecomUserId ?? userId, outcome: d === "sent" ? "sent" : d === "invalid_user" ? "invalid_user" : "failed" };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (err.code === "too_many_attempts") return { userId, outcome: "rate_limited" };
    if (err.code === "conflict")
      return { userId, outcome: "not_invitable", detail: typeof err.details?.reason === "string" ? err.details.reason : "" };
    if (err.code === "not_found") return { userId, outcome: "not_found" };
    throw err;
  }
}

const OUTCOMES: Record<Sent["outcome"], { zh: string; en: string }> = {
  sent: { zh: "已重新发送", en: "sent again" },
  invalid_user: { zh: "不在应用可见范围，未送达", en: "outside the app's visibility, not delivered" },
  failed: { zh: "发送失败", en: "sending failed" },
  not_found: { zh: "不是本团队的企业微信成员", en: "not a WeCom member of this team" },
  rate_limited: { zh: "一分钟内只能邀请一次", en: "at most one invitation a minute" },
  not_invitable: { zh: "无法邀请", en: "cannot be invited" },
};

const STANDING: Record<string, { zh: string; en: string }> = {
  already_active: { zh: "已开通", en: "already active" },
  locked: { zh: "已锁定", en: "locked" },
  removed: { zh: "已移除", en: "removed" },
  deprovisioned: { zh: "已离职", en: "left WeCom" },
  has_account: { zh: "已有账号，请用「授权」", en: "has an account: use “authorize”" },
};

function line(s: Sent, lang: Lang): string {
  const base = OUTCOMES[s.outcome][lang];
  const detail = s.detail ? (STANDING[s.detail]?.[lang] ?? s.detail) : "";
  return lang === "zh" ? `${s.userId}：${base}${detail ? `（${detail}）` : ""}` : `${s.userId}: ${base}${detail ? ` (${detail})` : ""}`;
}

export const inviteCommand = defineCommand<string[], { sent: Sent[] }>({
  name: "invite",
  aliases: ["邀请"],
  usage: { zh: "<userid…>", en: "<userid…>" },
  summary: { zh: "重新发送邀请卡片（原链接作废）", en: "send the invitation card again (the old link stops working)" },
  adminOnly: true,
  parse,
  run: async (ctx, ids) => {
    const sent: Sent[] = [];
    for (const id of ids) sent.push(await resendOne(ctx, id));
    return { sent };
  },
  render: ({ sent }, { lang }) => [lang === "zh" ? "邀请：" : "Invitations:", ...sent.map((s) => line(s, lang))].join("\n"),
});
