import { greetAdmin } from "../bot/greet";
import { contactChange } from "./contact-change";
import type { CallbackHandler } from "./handler-table";

/** enter_agent (docs/wecom.md#events-handled): an admin opening the app is greeted, at most once a day. */
export const enterAgent: CallbackHandler = async (deps, ctx) => {
  if (ctx.message.kind !== "app_event") return "ignored";
  return (await greetAdmin(deps, { teamId: ctx.teamId, userId: ctx.message.fromUserName })) ? "processed" : "ignored";
};

/** subscribe: the member is re-read like any contact hint (docs/wecom.md#events-handled), then greeted if an admin. */
export const subscribe: CallbackHandler = async (deps, ctx) => {
  const outcome = await contactChange(deps, ctx);
  if (ctx.message.kind !== "app_event") return outcome;
  return (await greetAdmin(deps, { teamId: ctx.teamId, userId: ctx.message.fromUserName })) ? "processed" : outcome;
};
