import type { Actor } from "../actor";

/**
 * Who calls an accounts or access verb: the actors of services/actor.ts, or a logged-in account.
 * Kept beside Actor (not in it) for now: adding a kind to Actor means every table keyed by
 * `Actor["kind"]` (e.g. the sync initiators) must learn it first.
 */
export type Caller = Actor | { kind: "account"; accountId: number };

/** How the audit log names the caller. */
export function callerLabel(caller: Caller): string {
  return caller.kind === "account" ? `account:${caller.accountId}` : caller.kind;
}
