import type { Deps } from "../deps";
import type { WecomMessage } from "../wecom/messages";

/**
 * "ignored" = understood and deliberately not acted on; "waiting" = parked by the handler until the
 * team's first import has finished (docs/observations.md); a thrown error means retry.
 */
export type HandlerOutcome = "processed" | "ignored" | "waiting";

export interface CallbackContext {
  teamId: number;
  inboxId: number;
  message: WecomMessage;
}

export type CallbackHandler = (deps: Deps, ctx: CallbackContext) => Promise<HandlerOutcome>;

/** Keyed by `handlerKey(message)`: "text", "event:change_contact", "event:template_card_event", … */
export type HandlerTable = Readonly<Record<string, CallbackHandler>>;
