import type { Initiator } from "../db/schema";

/**
 * Who asked for a verb; recorded with every effect and used for authorization.
 * - operator: the ADMIN_TOKEN holder; account: a logged-in person (their team role is checked by
 *   the verb or the route's middleware); wecom_user: someone chatting with the team's app (the bot
 *   checks they are an admin); callback: WeCom's contact hints; system: schedules and internal work.
 */
export type Actor =
  | { kind: "operator" }
  | { kind: "account"; accountId: number }
  | { kind: "wecom_user"; teamId: number; userId: string }
  | { kind: "callback"; teamId: number }
  | { kind: "system"; reason: string };

const INITIATOR: Record<Actor["kind"], Initiator> = {
  operator: "admin",
  account: "admin",
  wecom_user: "admin",
  callback: "callback",
  system: "system",
};

/** The audit log's initiator column (admin, callback, schedule). */
export function initiatorOf(actor: Actor): Initiator {
  return INITIATOR[actor.kind];
}

/** The audit log's actor column: which admin, when one is known. */
export function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case "account":
      return `account:${actor.accountId}`;
    case "wecom_user":
      return `wecom:${actor.userId}`;
    case "system":
      return `system:${actor.reason}`;
    default:
      return actor.kind;
  }
}

/** Who an audit actor column names, when it names an account or a WeCom user (the inverse of actorLabel). */
export function parseActorLabel(
  label: string | null,
): { kind: "account"; accountId: number } | { kind: "wecom_user"; userId: string } | null {
  if (!label) return null;
  const account = /^account:(\d{1,15})$/.exec(label);
  if (account) return { kind: "account", accountId: Number(account[1]) };
  if (label.startsWith("wecom:") && label.length > 6) return { kind: "wecom_user", userId: label.slice(6) };
  return null;
}
