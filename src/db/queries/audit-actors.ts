import { and, asc, eq, inArray } from "drizzle-orm";
import { accounts, members } from "../schema";
import type { Db } from "../types";

export interface ActorAccount {
  id: number;
  username: string;
  name: string;
  /** The account's member row in the team, when it has one (its page). */
  memberId: number | null;
}

export interface ActorMember {
  key: string;
  id: number;
  name: string;
}

/** Accounts by id, each with its first member row in the team. */
export async function actorAccounts(db: Db, p: { teamId: number; ids: number[] }): Promise<ActorAccount[]> {
  if (p.ids.length === 0) return [];
  const rows = await db
    .select({ id: accounts.id, username: accounts.username, name: accounts.name, memberId: members.id })
    .from(accounts)
    .leftJoin(members, and(eq(members.accountId, accounts.id), eq(members.teamId, p.teamId)))
    .where(inArray(accounts.id, p.ids))
    .orderBy(asc(accounts.id), asc(members.id));
  const out = new Map<number, ActorAccount>();
  for (const r of rows) if (!out.has(r.id)) out.set(r.id, r);
  return [...out.values()];
}

/** The team's members by lower-cased WeCom userid. */
export async function actorMembers(db: Db, p: { teamId: number; keys: string[] }): Promise<ActorMember[]> {
  if (p.keys.length === 0) return [];
  const rows = await db
    .select({ key: members.wecomUserKey, id: members.id, name: members.name })
    .from(members)
    .where(and(eq(members.teamId, p.teamId), inArray(members.wecomUserKey, p.keys)));
  return rows.map((r) => ({ key: r.key ?? "", id: r.id, name: r.name }));
}
