import { actorAccounts, actorMembers } from "../../db/queries/audit-actors";
import type { Db } from "../../db/types";
import { parseActorLabel } from "../actor";

/** An audit entry's actor as a person reads it: a username or a member's name, and their member page. */
export interface ActorName {
  kind: "account" | "wecom_user";
  /** The account's username, or the WeCom user's userid. */
  handle: string;
  /** The account holder's or member's name. */
  name: string | null;
  memberId: number | null;
}

/** Names for the actor columns of a page of audit entries: two queries, whatever the page's size. */
export async function nameActors(db: Db, teamId: number, labels: (string | null)[]): Promise<Map<string, ActorName>> {
  const accountIds = new Set<number>();
  const userIds = new Map<string, string>();
  for (const label of labels) {
    const who = parseActorLabel(label);
    if (who?.kind === "account") accountIds.add(who.accountId);
    else if (who?.kind === "wecom_user") userIds.set(who.userId.toLowerCase(), who.userId);
  }
  const [accounts, members] = await Promise.all([
    actorAccounts(db, { teamId, ids: [...accountIds] }),
    actorMembers(db, { teamId, keys: [...userIds.keys()] }),
  ]);
  const out = new Map<string, ActorName>();
  for (const a of accounts) out.set(`account:${a.id}`, { kind: "account", handle: a.username, name: a.name, memberId: a.memberId });
  const byKey = new Map(members.map((m) => [m.key, m]));
  for (const [key, userId] of userIds) {
    const m = byKey.get(key);
    out.set(`wecom:${userId}`, { kind: "wecom_user", handle: userId, name: m?.name ?? null, memberId: m?.id ?? null });
  }
  return out;
}
