import { contactChange } from "./contact-change";
import type { HandlerTable } from "./handler-table";

/**
 * The dispatch table (keys from `handlerKey`). Messages without a handler — chat text and card
 * clicks until the bot arrives, tags, batch jobs — are stored and marked ignored, never dropped.
 */
export const defaultCallbackHandlers: HandlerTable = {
  "event:change_contact": contactChange,
  "event:subscribe": contactChange,
  "event:unsubscribe": contactChange,
};
