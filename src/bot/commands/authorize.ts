import { listDepartments } from "../../services/directory/read-directory";
import { authorizeMembers, type AuthorizeResult } from "../../services/invitations/authorize";
import { defineCommand, type BotContext, type Parsed } from "../command";
import type { Lang } from "../lang";
import { splitUserIds } from "./user-ids";

type Target = { kind: "all" } | { kind: "department"; name: string } | { kind: "users"; ids: string[] };

type Outcome =
  | { kind: "done"; result: AuthorizeResult; department?: { id: number; name: string } }
  | { kind: "no_department"; name: string }
  | { kind: "unknown_users"; ids: string[] }
  | { kind: "ambiguous"; name: string; ids: number[] };

const ALL = new Set(["all", "全部", "所有人"]);
const DEPARTMENT = new Set(["部门", "department", "dept"]);
const MAX_IDS = 100;

function parse(args: string[]): Parsed<Target> {
  const [first, ...rest] = args;
  if (first === undefined) return { ok: false };
  if (ALL.has(first.toLowerCase()) && rest.length === 0) return { ok: true, args: { kind: "all" } };
  if (DEPARTMENT.has(first.toLowerCase())) {
    return rest.length > 0
      ? { ok: true, args: { kind: "department", name: rest.join(" ") } }
      : { ok: false, problem: { zh: "请写出部门名称。", en: "Name the department." } };
  }
  const ids = splitUserIds(args);
  if (ids.length > MAX_IDS)
    return { ok: false, problem: { zh: `一次最多 ${MAX_IDS} 个账号。`, en: `At most ${MAX_IDS} userids at a time.` } };
  return ids.length > 0 ? { ok: true, args: { kind: "users", ids } } : { ok: false };
}

/** A department by exact name (ignoring case) or by its WeCom id. */
async function resolveDepartment(ctx: BotContext, name: string): Promise<{ id: number; name: string }[]> {
  const tree = (await listDepartments(ctx.deps, ctx.actor, ctx.team.slug)).items;
  const byId = /^\d{1,15}$/.test(name) ? tree.filter((d) => d.id === Number(name)) : [];
  if (byId.length > 0) return byId.map((d) => ({ id: d.id, name: d.name }));
  return tree.filter((d) => d.name.toLowerCase() === name.toLowerCase()).map((d) => ({ id: d.id, name: d.name }));
}

async function run(ctx: BotContext, target: Target): Promise<Outcome> {
  const call = (input: unknown) => authorizeMembers(ctx.deps, ctx.actor, ctx.team.slug, input);
  if (target.kind === "all") return { kind: "done", result: await call({ all: true }) };
  if (target.kind === "users") {
    const result = await call({ wecomUserIds: target.ids });
    // Only userids that match nobody: a count of zero would read as if the command had worked.
    const touched = result.authorized + result.invited + result.alreadyActive + result.alreadyInvited + result.invalidUsers.length;
    if (touched === 0 && result.skipped.length > 0 && result.skipped.every((s) => s.reason === "not_found"))
      return { kind: "unknown_users", ids: result.skipped.map((s) => s.wecomUserId) };
    return { kind: "done", result };
  }
  const found = await resolveDepartment(ctx, target.name);
  if (found.length === 0) return { kind: "no_department", name: target.name };
  if (found.length > 1) return { kind: "ambiguous", name: target.name, ids: found.map((d) => d.id) };
  const department = found[0]!;
  return { kind: "done", result: await call({ departmentId: department.id }), department };
}

const REASONS: Record<string, { zh: string; en: string }> = {
  not_found: { zh: "未找到", en: "not found" },
  locked: { zh: "已锁定，请先解锁", en: "locked: unlock first" },
  removed: { zh: "已移除，请先恢复", en: "removed: restore first" },
  deprovisioned: { zh: "已离职", en: "left WeCom" },
  rate_limited: { zh: "一分钟内已邀请过", en: "invited less than a minute ago" },
  send_failed: { zh: "发送失败", en: "sending failed" },
};

export function reasonText(reason: string, lang: Lang): string {
  return REASONS[reason]?.[lang] ?? reason;
}

function render(o: Outcome, lang: Lang): string {
  if (o.kind === "unknown_users") {
    return lang === "zh"
      ? `找不到成员：${o.ids.join("、")}。请检查 UserID，或先「同步」通讯录。`
      : `No such member: ${o.ids.join(", ")}. Check the userid, or sync the address book first.`;
  }
  if (o.kind === "no_department") return lang === "zh" ? `没有名为「${o.name}」的部门。` : `There is no department named “${o.name}”.`;
  if (o.kind === "ambiguous") {
    return lang === "zh"
      ? `有多个部门名为「${o.name}」（ID ${o.ids.join("、")}），请用「授权 部门 <ID>」。`
      : `Several departments are named “${o.name}” (ids ${o.ids.join(", ")}); use “authorize department <id>”.`;
  }
  const r = o.result;
  const skipped = r.skipped
    .slice(0, 10)
    .map((s) => (lang === "zh" ? `${s.wecomUserId}（${reasonText(s.reason, lang)}）` : `${s.wecomUserId} (${reasonText(s.reason, lang)})`));
  const more = r.skipped.length > 10 ? (lang === "zh" ? ` 等 ${r.skipped.length} 人` : ` and ${r.skipped.length - 10} more`) : "";
  const shown = r.reached.slice(0, 5).map((m) => (m.name && m.name !== m.wecomUserId ? `${m.name}（${m.wecomUserId}）` : m.wecomUserId));
  const reachedLine =
    shown.length === 0
      ? ""
      : lang === "zh"
        ? `已开通或邀请：${shown.join("、")}${r.reached.length > shown.length ? ` 等 ${r.reached.length} 人` : ""}`
        : `Given access or invited: ${shown.join(", ").replace(/（/g, " (").replace(/）/g, ")")}${r.reached.length > shown.length ? ` and ${r.reached.length - shown.length} more` : ""}`;
  const scope = o.department ? (lang === "zh" ? `部门「${o.department.name}」` : `department ${o.department.name}`) : "";
  if (lang === "zh") {
    const lines = [
      `${scope ? `${scope}：` : ""}授权完成：已开通 ${r.authorized} 人，已发送邀请 ${r.invited} 人，原已开通 ${r.alreadyActive} 人，邀请待接受 ${r.alreadyInvited} 人。`,
    ];
    if (reachedLine) lines.push(reachedLine);
    if (skipped.length > 0) lines.push(`跳过：${skipped.join("、")}${more}`);
    if (r.invalidUsers.length > 0) lines.push(`无法送达（不在应用可见范围）：${r.invalidUsers.join("、")}`);
    return lines.join("\n");
  }
  const lines = [
    `${scope ? `${scope}: ` : ""}Authorized ${r.authorized}, invited ${r.invited}, already active ${r.alreadyActive}, invitation pending ${r.alreadyInvited}.`,
  ];
  if (reachedLine) lines.push(reachedLine);
  if (skipped.length > 0) lines.push(`Skipped: ${skipped.join(", ")}${more}`);
  if (r.invalidUsers.length > 0) lines.push(`Not delivered (outside the app's visibility): ${r.invalidUsers.join(", ")}`);
  return lines.join("\n");
}

export const authorizeCommand = defineCommand<Target, Outcome>({
  name: "authorize",
  aliases: ["授权"],
  usage: { zh: "<userid…|部门 名称|全部>", en: "<userid…|department name|all>" },
  summary: {
    zh: "授权成员：已有账号的立即开通，其余收到邀请卡片",
    en: "authorize members: linked ones get access, the others an invitation card",
  },
  adminOnly: true,
  parse,
  run,
  render: (o, ctx) => render(o, ctx.lang),
});
