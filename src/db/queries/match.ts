import { and, asc, eq, inArray, isNotNull, isNull, ne } from "drizzle-orm";
import { accounts, members, wecomBindings, type MemberStatus } from "../schema";
import type { Db } from "../types";
import type { AccountRow } from "./accounts";
import type { MemberChange, MemberRow } from "./directory";

const CHUNK = 1000;

/** The team's WeCom members without an account (not removed): what one-click match works on. */
export async function unlinkedWecomMembers(db: Db, p: { teamId: number }): Promise<MemberRow[]> {
  return db
    .select()
    .from(members)
    .where(and(eq(members.teamId, p.teamId), isNull(members.accountId), isNotNull(members.wecomUserKey), ne(members.status, "removed")))
    .orderBy(asc(members.id));
}

/** Every member row of the team that carries an account: WeCom rows (linked) and non-WeCom rows. */
export async function accountRowsOfTeam(db: Db, p: { teamId: number }): Promise<MemberRow[]> {
  return db
    .select()
    .from(members)
    .where(and(eq(members.teamId, p.teamId), isNotNull(members.accountId)))
    .orderBy(asc(members.id));
}

async function inChunks<T>(values: string[], read: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const unique = [...new Set(values)];
  const out: T[] = [];
  for (let i = 0; i < unique.length; i += CHUNK) out.push(...(await read(unique.slice(i, i + CHUNK))));
  return out;
}

/** Accounts whose lower-cased username is one of these keys (at most one per key: unique index). */
export async function accountsByUsernameKeys(db: Db, p: { keys: string[] }): Promise<AccountRow[]> {
  return inChunks(p.keys, (chunk) => db.select().from(accounts).where(inArray(accounts.usernameKey, chunk)).orderBy(asc(accounts.id)));
}

/**
 * Accounts WeCom vouched for as one of these userids of this corp: linked by OAuth (join or
 * self-binding) to that userid's member row in another team bound to the same CorpID.
 */
export async function verifiedAccountsByKeys(
  db: Db,
  p: { teamId: number; corpId: string; keys: string[] },
): Promise<{ userKey: string; account: AccountRow }[]> {
  return inChunks(p.keys, async (chunk) => {
    const rows = await db
      .selectDistinct({ userKey: members.wecomUserKey, account: accounts })
      .from(members)
      .innerJoin(wecomBindings, eq(wecomBindings.teamId, members.teamId))
      .innerJoin(accounts, eq(accounts.id, members.accountId))
      .where(
        and(
          eq(wecomBindings.corpId, p.corpId),
          ne(members.teamId, p.teamId),
          inArray(members.wecomUserKey, chunk),
          isNotNull(members.wecomVerifiedAt),
          ne(members.status, "removed"),
        ),
      )
      .orderBy(asc(accounts.id));
    return rows.flatMap((r) => (r.userKey ? [{ userKey: r.userKey, account: r.account }] : []));
  });
}

/** Accounts whose display name is exactly one of these names (any number per name). */
export async function accountsByNames(db: Db, p: { names: string[] }): Promise<AccountRow[]> {
  return inChunks(p.names, (chunk) => db.select().from(accounts).where(inArray(accounts.name, chunk)).orderBy(asc(accounts.id)));
}

/** Accounts whose (lower-cased) email is one of these. */
export async function accountsByEmails(db: Db, p: { emails: string[] }): Promise<AccountRow[]> {
  return inChunks(p.emails, (chunk) => db.select().from(accounts).where(inArray(accounts.email, chunk)).orderBy(asc(accounts.id)));
}

export async function accountsByIds(db: Db, p: { ids: number[] }): Promise<AccountRow[]> {
  const ids = [...new Set(p.ids)];
  const out: AccountRow[] = [];
  for (let i = 0; i < ids.length; i += CHUNK)
    out.push(
      ...(await db
        .select()
        .from(accounts)
        .where(inArray(accounts.id, ids.slice(i, i + CHUNK)))),
    );
  return out;
}

export async function membersByIds(db: Db, p: { teamId: number; ids: number[] }): Promise<MemberRow[]> {
  const ids = [...new Set(p.ids)];
  const out: MemberRow[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    out.push(
      ...(await db
        .select()
        .from(members)
        .where(and(eq(members.teamId, p.teamId), inArray(members.id, ids.slice(i, i + CHUNK))))),
    );
  }
  return out;
}

/**
 * Links a still-unlinked WeCom member row whose status is still the one read; false when it was
 * linked, changed (e.g. deprovisioned by a sync) or removed meanwhile, so a concurrent change is
 * never overwritten: the next match picks the member up again.
 */
export async function linkMemberRow(
  db: Db,
  p: { teamId: number; id: number; expectStatus: MemberStatus; set: MemberChange & { accountId: number; wecomVerifiedAt: Date | null } },
): Promise<boolean> {
  const rows = await db
    .update(members)
    .set(p.set)
    .where(
      and(
        eq(members.teamId, p.teamId),
        eq(members.id, p.id),
        isNull(members.accountId),
        isNotNull(members.wecomUserKey),
        eq(members.status, p.expectStatus),
      ),
    )
    .returning({ id: members.id });
  return rows.length > 0;
}

/** Deletes a non-WeCom member row (never a WeCom row, never an account) once merged into a WeCom row. */
export async function deleteNonWecomRow(db: Db, p: { teamId: number; id: number }): Promise<boolean> {
  const rows = await db
    .delete(members)
    .where(and(eq(members.teamId, p.teamId), eq(members.id, p.id), isNull(members.wecomUserKey)))
    .returning({ id: members.id });
  return rows.length > 0;
}
