import { labelOf, type Bilingual } from "../labels";

/** The console's sections, in navigation order. `path` is relative to /teams/:slug. */
export const SECTIONS = [
  { key: "overview", path: "", zh: "概览", en: "Overview" },
  { key: "wecom", path: "/wecom", zh: "企业微信", en: "WeCom" },
  { key: "sync", path: "/sync", zh: "导入与同步", en: "Import & sync" },
  { key: "departments", path: "/departments", zh: "部门", en: "Departments" },
  { key: "members", path: "/members", zh: "成员", en: "Members" },
  { key: "match", path: "/match", zh: "匹配", en: "Match" },
  { key: "policy", path: "/policy", zh: "离职策略", en: "Policy" },
  { key: "webhooks", path: "/webhooks", zh: "Webhook", en: "Webhooks" },
  { key: "audit", path: "/audit", zh: "审计日志", en: "Audit log" },
] as const;

export type Section = (typeof SECTIONS)[number]["key"];

export const MEMBER_STATUS: Record<string, Bilingual> = {
  imported: { zh: "已导入", en: "imported" },
  invited: { zh: "已邀请", en: "invited" },
  active: { zh: "已加入", en: "active" },
  locked: { zh: "已锁定", en: "locked" },
  deauthorized: { zh: "已取消授权", en: "deauthorized" },
  removed: { zh: "已移除", en: "removed" },
};

export const memberStatus = (s: string): Bilingual => labelOf(MEMBER_STATUS, s);

export const ROLES: Record<string, Bilingual> = {
  owner: { zh: "所有者", en: "owner" },
  admin: { zh: "管理员", en: "admin" },
  member: { zh: "成员", en: "member" },
};

/**
 * What a finished action says on the page it returns to (`?ok=<key>`). Counts come as further
 * query numbers and are shown as they are; nothing else from the query reaches the page.
 */
export const FLASH: Record<string, Bilingual> = {
  bound: { zh: "已保存企业微信绑定，凭据校验通过。", en: "The WeCom binding is saved; the credentials checked out." },
  sync_started: { zh: "同步已开始。", en: "The sync has started." },
  sync_open: { zh: "已有一个同步任务在进行，显示的是它的进度。", en: "A sync was already running; this is its progress." },
  confirmed: { zh: "已允许离职处理，同步继续。", en: "Deprovisions allowed; the sync goes on." },
  rejected: { zh: "已拒绝离职处理，同步只写入其他变更。", en: "Deprovisions rejected; the sync applies only the other changes." },
  authorized: { zh: "授权完成。", en: "Authorization done." },
  resent: { zh: "已重新发送邀请。", en: "The invitation was sent again." },
  unlocked: { zh: "已解锁。", en: "Unlocked." },
  locked: {
    zh: "已锁定：该成员现在无法使用团队，解锁后恢复原状态。",
    en: "Locked: the member cannot use the team until unlocked, which returns them to where they were.",
  },
  role_saved: { zh: "角色已保存。", en: "The role is saved." },
  restored: { zh: "已恢复。", en: "Restored." },
  linked: { zh: "匹配已完成。", en: "Matching done." },
  policy_saved: { zh: "离职策略已保存。", en: "The policy is saved." },
  webhook_deleted: { zh: "Webhook 已删除。", en: "The webhook endpoint is deleted." },
  webhook_enabled: { zh: "Webhook 已重新启用，新事件会再发送给它。", en: "The webhook endpoint is enabled again; new events reach it." },
  webhook_resent: { zh: "已重新排队发送该事件。", en: "The event is queued to be sent again." },
  admins_saved: { zh: "机器人管理员已保存。", en: "The bot's admins are saved." },
  none_selected: {
    zh: "没有选择成员：请先勾选要授权的成员，再点“授权所选成员”。",
    en: "No member was selected: tick the members to authorize, then choose “Authorize the selected”.",
  },
};

/** The counts an authorize or match result shows, in order, by query key. */
export const FLASH_COUNTS: { key: string; zh: string; en: string }[] = [
  { key: "authorized", zh: "已授权", en: "authorized" },
  { key: "invited", zh: "已邀请", en: "invited" },
  { key: "alreadyActive", zh: "原已加入", en: "already active" },
  { key: "alreadyInvited", zh: "原已邀请", en: "already invited" },
  { key: "skipped", zh: "跳过", en: "skipped" },
  { key: "invalid", zh: "企业微信无效用户", en: "invalid in WeCom" },
  { key: "linked", zh: "已关联", en: "linked" },
  { key: "refused", zh: "未能关联", en: "not linked" },
];

export const POLICIES: { value: "remove" | "lock" | "deauthorize"; title: Bilingual; body: Bilingual }[] = [
  {
    value: "remove",
    title: { zh: "移除", en: "Remove" },
    body: {
      zh: "成员在企业微信被删除后，从团队中移除并结束其登录。30 天内可以在成员页恢复。",
      en: "A member deleted in WeCom is removed from the team and signed out. You can restore them from the members page within 30 days.",
    },
  },
  {
    value: "lock",
    title: { zh: "锁定", en: "Lock" },
    body: {
      zh: "成员保留在团队中，但无法登录或使用，直到管理员解锁。适合需要保留资料、等待交接的情况。",
      en: "The member stays in the team but cannot sign in or use it until an admin unlocks them. Good when their data must stay for a hand-over.",
    },
  },
  {
    value: "deauthorize",
    title: { zh: "取消授权", en: "Deauthorize" },
    body: {
      zh: "成员保留在名单中，但失去访问权限；再次授权即可恢复。",
      en: "The member stays on the list but loses access; authorizing them again brings it back.",
    },
  },
];

/**
 * Every audit action the services write, in words (test/views/audit-actions.test.ts checks the
 * sources against this list); unknown ones still show, as their code.
 */
export const AUDIT_ACTION_LABELS: Record<string, Bilingual> = {
  "member.created": { zh: "新成员（来自企业微信）", en: "member added from WeCom" },
  "member.updated": { zh: "成员资料更新", en: "member details changed" },
  "member.moved": { zh: "成员调动部门", en: "member moved" },
  "member.deprovisioned": { zh: "成员离职处理", en: "member deprovisioned" },
  "member.deprovision_held": { zh: "离职处理暂缓（等待确认）", en: "deprovision held for a decision" },
  "member.invited": { zh: "已发送邀请", en: "invitation sent" },
  "member.authorized": { zh: "已授权开通", en: "access granted" },
  "member.joined": { zh: "成员已加入", en: "member joined" },
  "member.linked": { zh: "成员与账号已关联", en: "member linked to an account" },
  "member.unlinked": { zh: "成员与账号已解除关联", en: "member unlinked from an account" },
  "member.merged": { zh: "成员记录已合并", en: "member records merged" },
  "member.rekeyed": { zh: "成员 UserID 已变更", en: "member's userid changed" },
  "member.added": { zh: "成员已添加到团队", en: "member added to the team" },
  "member.restored": { zh: "成员已恢复", en: "member restored" },
  "member.unlocked": { zh: "成员已解锁", en: "member unlocked" },
  "member.locked": { zh: "成员已锁定", en: "member locked" },
  "member.role_changed": { zh: "成员角色已更改", en: "member's role changed" },
  "department.created": { zh: "新部门", en: "department created" },
  "department.updated": { zh: "部门更新", en: "department changed" },
  "department.moved": { zh: "部门移动", en: "department moved" },
  "department.deleted": { zh: "部门删除", en: "department deleted" },
  "job.confirmed": { zh: "已允许离职处理", en: "deprovisions allowed" },
  "job.rejected": { zh: "已拒绝离职处理", en: "deprovisions rejected" },
  "policy.changed": { zh: "离职策略已更改", en: "deletion policy changed" },
  "webhook.created": { zh: "已添加 Webhook", en: "webhook endpoint added" },
  "webhook.deleted": { zh: "已删除 Webhook", en: "webhook endpoint deleted" },
  "webhook.enabled": { zh: "已重新启用 Webhook", en: "webhook endpoint enabled again" },
  "webhook.resent": { zh: "Webhook 事件已重新发送", en: "webhook event sent again" },
};

/** Audit actions an admin can filter by: every one that exists. */
export const AUDIT_ACTIONS = Object.keys(AUDIT_ACTION_LABELS);

export const auditAction = (action: string): Bilingual => labelOf(AUDIT_ACTION_LABELS, action);
