import { handleCardClick } from "../bot/card-click";
import type { CallbackHandler } from "./handler-table";

/** template_card_event (docs/wecom.md#events-handled): a click on one of the bot's cards. */
export const cardClick: CallbackHandler = (deps, ctx) => {
  const m = ctx.message;
  if (m.kind !== "template_card_event") return Promise.resolve("ignored");
  return handleCardClick(deps, { teamId: ctx.teamId, inboxId: ctx.inboxId, message: m });
};
