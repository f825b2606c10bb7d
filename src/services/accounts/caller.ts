import { actorLabel, type Actor } from "../actor";

/** Who calls an accounts or access verb: any actor (services/actor.ts). */
export type Caller = Actor;

/** How the audit log names the caller. */
export function callerLabel(caller: Caller): string {
  return actorLabel(caller);
}
