import { enterAgent, subscribe } from "./app-open";
import { cardClick } from "./card-click";
import { chatMessage } from "./chat";
import { contactChange } from "./contact-change";
import type { HandlerTable } from "./handler-table";

/** Message types a member can send the app besides text (docs/wecom.md#events-handled): answered with the bot's short help. */
const OTHER_CHAT = ["image", "voice", "video", "location", "link", "file"] as const;

/**
 * The dispatch table (keys from `handlerKey`). Messages without a handler — tags, batch jobs,
 * menus — are stored and marked ignored, never dropped.
 */
export const defaultCallbackHandlers: HandlerTable = {
  "event:change_contact": contactChange,
  "event:subscribe": subscribe,
  "event:unsubscribe": contactChange,
  "event:enter_agent": enterAgent,
  "event:template_card_event": cardClick,
  text: chatMessage,
  ...Object.fromEntries(OTHER_CHAT.map((t) => [t, chatMessage])),
};
