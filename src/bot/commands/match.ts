import { matchMembers } from "../../services/match/match-members";
import { defineCommand, noArgs } from "../command";

type Matched = {
  linked: number;
  suggested: { name: string; wecomUserId: string | null; username: string }[];
  suggestedCount: number;
  conflicts: { name: string; wecomUserId: string | null; candidates: number }[];
  conflictCount: number;
  reviewUrl: string;
};

/** How many suggestions and conflicts a reply names; the review page has them all. */
const SHOWN = 5;

/** Where an admin reviews suggestions and conflicts: the console's match page (a team admin's session). */
export function matchReviewUrl(publicUrl: string, slug: string): string {
  return `${publicUrl}/teams/${encodeURIComponent(slug)}/match`;
}

export const matchCommand = defineCommand<null, Matched>({
  name: "match",
  aliases: ["匹配"],
  usage: { zh: "", en: "" },
  summary: {
    zh: "把企业微信成员与已有账号匹配（只直接关联企业微信已确认的身份和本团队已有成员；其余作为建议，由管理员确认）",
    en: "match WeCom members to existing accounts (only identities WeCom vouched for and accounts already in the team link at once; the rest are suggestions for an admin to confirm)",
  },
  adminOnly: true,
  parse: noArgs,
  run: async (ctx) => {
    const r = await matchMembers(ctx.deps, ctx.actor, ctx.team.slug, {});
    return {
      linked: r.linked.length,
      suggested: r.suggested.slice(0, SHOWN).map((s) => ({ name: s.name, wecomUserId: s.wecomUserId, username: s.username })),
      suggestedCount: r.suggested.length,
      conflicts: r.conflicts.slice(0, SHOWN).map((c) => ({ name: c.name, wecomUserId: c.wecomUserId, candidates: c.candidates.length })),
      conflictCount: r.conflicts.length,
      reviewUrl: matchReviewUrl(ctx.deps.config.publicUrl, ctx.team.slug),
    };
  },
  render: (r, { lang }) => {
    const zh = lang === "zh";
    const lines = [
      zh
        ? `匹配完成：已关联 ${r.linked} 人，待确认建议 ${r.suggestedCount} 条，冲突 ${r.conflictCount} 条。`
        : `Match done: ${r.linked} linked, ${r.suggestedCount} suggestions to confirm, ${r.conflictCount} conflicts.`,
    ];
    for (const s of r.suggested)
      lines.push(
        zh
          ? `建议：${s.name}（${s.wecomUserId ?? "-"}）↔ 账号 ${s.username}`
          : `Suggestion: ${s.name} (${s.wecomUserId ?? "-"}) ↔ account ${s.username}`,
      );
    for (const c of r.conflicts)
      lines.push(
        zh
          ? `冲突：${c.name}（${c.wecomUserId ?? "-"}）有 ${c.candidates} 个候选账号`
          : `Conflict: ${c.name} (${c.wecomUserId ?? "-"}) has ${c.candidates} candidate accounts`,
      );
    if (r.suggestedCount + r.conflictCount > 0) lines.push(zh ? `查看并确认：${r.reviewUrl}` : `Review and confirm: ${r.reviewUrl}`);
    return lines.join("\n");
  },
});
