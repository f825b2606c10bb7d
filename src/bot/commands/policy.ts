import { getPolicy, setPolicy, type DeletionPolicy } from "../../services/directory/policy";
import { defineCommand, type Parsed } from "../command";

/** Chinese and English words for the deletion policies (docs/sync.md#deletion-policies). */
const WORDS: Record<string, DeletionPolicy> = {
  remove: "remove",
  移除: "remove",
  lock: "lock",
  锁定: "lock",
  deauthorize: "deauthorize",
  取消授权: "deauthorize",
};

const MEANING: Record<DeletionPolicy, { zh: string; en: string }> = {
  remove: { zh: "移除（移出团队，30 天内可恢复）", en: "remove (membership removed; restorable for 30 days)" },
  lock: { zh: "锁定（保留在名单中，不能使用团队，管理员可解锁）", en: "lock (stays listed, no team access; an admin unlocks)" },
  deauthorize: {
    zh: "取消授权（保留在名单中，重新授权即可恢复）",
    en: "deauthorize (stays listed, no team access; re-authorizing restores it)",
  },
};

function parse(args: string[]): Parsed<DeletionPolicy | null> {
  if (args.length === 0) return { ok: true, args: null };
  const value = args.length === 1 ? WORDS[args[0]!.toLowerCase()] : undefined;
  return value
    ? { ok: true, args: value }
    : { ok: false, problem: { zh: "策略只能是 移除、锁定 或 取消授权。", en: "The policy is remove, lock or deauthorize." } };
}

export const policyCommand = defineCommand<DeletionPolicy | null, { before: DeletionPolicy; after: DeletionPolicy | null }>({
  name: "policy",
  aliases: ["策略"],
  usage: { zh: "[移除|锁定|取消授权]", en: "[remove|lock|deauthorize]" },
  summary: { zh: "查看或设置企业微信中删除的成员如何处理", en: "show or set what happens to members deleted in WeCom" },
  adminOnly: true,
  parse,
  run: async (ctx, value) => {
    const { onMemberDeleted: before } = await getPolicy(ctx.deps, ctx.actor, ctx.team.slug);
    if (value === null) return { before, after: null };
    if (value === before) return { before, after: before };
    const { onMemberDeleted: after } = await setPolicy(ctx.deps, ctx.actor, ctx.team.slug, { onMemberDeleted: value });
    return { before, after };
  },
  render: ({ before, after }, { lang }) => {
    if (after === null) {
      return lang === "zh"
        ? `当前策略：${MEANING[before].zh}。\n修改：策略 移除 | 锁定 | 取消授权`
        : `Current policy: ${MEANING[before].en}.\nChange it: policy remove | lock | deauthorize`;
    }
    if (after === before) return lang === "zh" ? `策略未变：${MEANING[after].zh}。` : `The policy stays: ${MEANING[after].en}.`;
    return lang === "zh" ? `策略已改为：${MEANING[after].zh}。` : `Policy changed to: ${MEANING[after].en}.`;
  },
});
