import type { OutgoingMessage } from "./types";

/** The invitation as a `template_card` of type text_notice (docs/wecom.md#messages-and-cards); the whole card opens `url`. */
export function invitationCard(p: { touser: string; teamName: string; url: string; taskId: string }): OutgoingMessage {
  return {
    touser: [p.touser],
    msgtype: "template_card",
    template_card: {
      card_type: "text_notice",
      source: { desc: "wecom-roster", desc_color: 0 },
      main_title: { title: clip(`加入「${p.teamName}」`, 36), desc: clip(`Join ${p.teamName}`, 44) },
      sub_title_text: "链接 7 天内有效 / valid for 7 days",
      jump_list: [{ type: 1, title: "打开邀请 Open invitation", url: p.url }],
      card_action: { type: 1, url: p.url },
      task_id: p.taskId,
    },
  };
}

/** The fallback when template_card is refused: a textcard (title ≤ 128 bytes, description ≤ 512). */
export function invitationTextcard(p: { touser: string; teamName: string; url: string }): OutgoingMessage {
  const team = escapeHtml(clip(p.teamName, 60));
  return {
    touser: [p.touser],
    msgtype: "textcard",
    textcard: {
      title: "团队邀请 Team invitation",
      description: `<div class="gray">${team}</div><div class="normal">邀请你加入「${team}」/ You are invited to join ${team}</div><div class="highlight">链接 7 天内有效 / valid for 7 days</div>`,
      url: p.url,
      btntxt: "加入",
    },
  };
}

/** The short notice to members whose account is now active in the team. */
export function authorizedNotice(p: { touser: string[]; teamName: string }): OutgoingMessage {
  return {
    touser: p.touser,
    msgtype: "text",
    text: { content: `你已获授权使用「${clip(p.teamName, 60)}」/ You now have access to ${clip(p.teamName, 60)}` },
  };
}

function clip(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join("")}…`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
