// Decrypted callback messages (docs/wecom.md#events-handled). Every id stays a string: MsgId is a
// 64-bit integer beyond 2^53 (docs/wecom.md#conventions), and userids are not numbers at all.
import { createHash } from "node:crypto";

interface Common {
  toUserName: string;
  fromUserName: string;
  createTime: number;
  msgType: string;
}

// doc 96467 (internal 90239)
export interface TextMessage extends Common {
  kind: "text";
  msgId: string;
  content: string;
  agentId?: string;
}

// Members doc 96302, departments doc 96303, tags doc 96304. Contact-sync URLs set after
// 2022-08-15 carry ids only, and update_user only the changed fields, so all are optional.
export interface ChangeContactEvent extends Common {
  kind: "change_contact";
  changeType: string;
  userId?: string;
  newUserId?: string;
  /** `Id` of create_party / update_party / delete_party. */
  departmentId?: string;
  parentId?: string;
  name?: string;
  department?: string[];
  status?: string;
  /** Every top-level text element as sent, for fields not lifted above. */
  raw: Record<string, string>;
}

// Button click on an interactive card (docs/wecom.md#events-handled); ResponseCode is single-use, valid 72 h.
export interface TemplateCardEvent extends Common {
  kind: "template_card_event";
  eventKey: string;
  taskId: string;
  cardType: string;
  responseCode: string;
  agentId?: string;
}

export const APP_EVENTS = ["subscribe", "unsubscribe", "enter_agent", "click", "view"] as const;
export type AppEventName = (typeof APP_EVENTS)[number];

// docs/wecom.md#events-handled
export interface AppEvent extends Common {
  kind: "app_event";
  event: AppEventName;
  eventKey?: string;
  agentId?: string;
}

// image, voice, video, location, link, batch_job_result and any event not modelled above.
export interface OtherMessage extends Common {
  kind: "other";
  event?: string;
  msgId?: string;
  agentId?: string;
}

export type WecomMessage = TextMessage | ChangeContactEvent | TemplateCardEvent | AppEvent | OtherMessage;

export function handlerKey(m: WecomMessage): string {
  switch (m.kind) {
    case "text":
      return "text";
    case "change_contact":
      return "event:change_contact";
    case "template_card_event":
      return "event:template_card_event";
    case "app_event":
      return `event:${m.event}`;
    case "other":
      return m.event ? `event:${m.event}` : m.msgType;
  }
}

// WeCom suggests FromUserName+CreateTime for events (docs/wecom.md#dedupe-keys), but CreateTime has 1 s
// resolution and change_contact always comes from "sys", so a bulk change would collapse
// into one key and lose hints. Hash the decrypted XML instead: Encrypt's random prefix
// may differ between deliveries of the same message.
export function dedupeKey(m: WecomMessage, decryptedXml: string): string {
  if ((m.kind === "text" || m.kind === "other") && m.msgId) return `msg:${m.msgId}`;
  return `sha256:${createHash("sha256").update(decryptedXml, "utf8").digest("hex")}`;
}

/** What a message is about, for coalescing bursts: one member, or the department tree. */
export function subjectOf(m: WecomMessage): string | null {
  if (m.kind === "change_contact") {
    if (m.userId) return `user:${m.userId.toLowerCase()}`;
    if (m.changeType.endsWith("_party")) return "party";
    return null;
  }
  if (m.kind === "app_event" && (m.event === "subscribe" || m.event === "unsubscribe")) return `user:${m.fromUserName.toLowerCase()}`;
  return null;
}
