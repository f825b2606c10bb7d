import { handleChat } from "../bot/dispatch";
import type { CallbackHandler } from "./handler-table";

/**
 * A member writes to the app (docs/wecom.md#events-handled): text goes to the admin bot; images, voice
 * and the like get its short help. The MsgId keys the bot's work, so a message handled twice
 * has one effect.
 */
export const chatMessage: CallbackHandler = (deps, ctx) => {
  const m = ctx.message;
  if (m.kind !== "text" && m.kind !== "other") return Promise.resolve("ignored");
  const messageKey = m.msgId ? `msg:${m.msgId}` : `inbox:${ctx.inboxId}`;
  return handleChat(deps, { teamId: ctx.teamId, messageKey, userId: m.fromUserName, content: m.kind === "text" ? m.content : "" });
};
