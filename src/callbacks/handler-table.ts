/** The handler types, defined beside Deps (src/deps.ts) and named here for the handlers. */
export type { CallbackContext, CallbackHandler, HandlerOutcome, HandlerTable } from "../deps";
