import { and, asc, eq, isNull, ne } from "drizzle-orm";
import { members, teams, wecomBindings, type MemberRole, type MemberStatus } from "../schema";
import type { Db } from "../types";
import type { MemberRow } from "./directory";
import type { TeamRow } from "./teams";

export interface Standing {
  memberId: number;
  status: MemberStatus;
  role: MemberRole | null;
}

/** The team (null if no such slug) and every member row of the account in it (usually 0 or 1). */
export async function accountStanding(
  db: Db,
  p: { slug: string; accountId: number },
): Promise<{ teamId: number; rows: Standing[] } | null> {
  const rows = await db
    .select({ teamId: teams.id, memberId: members.id, status: members.status, role: members.role })
    .from(teams)
    .leftJoin(members, and(eq(members.teamId, teams.id), eq(members.accountId, p.accountId)))
    .where(eq(teams.slug, p.slug));
  const first = rows[0];
  if (!first) return null;
  const standing: Standing[] = [];
  for (const r of rows)
    if (r.memberId !== null && r.status !== null) standing.push({ memberId: r.memberId, status: r.status, role: r.role });
  return { teamId: first.teamId, rows: standing };
}

/**
 * The team row, locked against other membership changes until the transaction ends. NO KEY
 * UPDATE, not UPDATE: foreign-key checks of concurrent inserts (sync writing members, audit rows)
 * take KEY SHARE on this row and must not wait for us.
 */
export async function lockTeamForMembership(db: Db, p: { slug: string }): Promise<TeamRow | null> {
  const rows = await db.select().from(teams).where(eq(teams.slug, p.slug)).limit(1).for("no key update");
  return rows[0] ?? null;
}

export async function membersOfAccount(db: Db, p: { teamId: number; accountId: number }): Promise<MemberRow[]> {
  return db
    .select()
    .from(members)
    .where(and(eq(members.teamId, p.teamId), eq(members.accountId, p.accountId)));
}

/** An owner that still counts (anything but removed). */
export async function teamHasOwner(db: Db, p: { teamId: number }): Promise<boolean> {
  const rows = await db
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.teamId, p.teamId), eq(members.role, "owner"), ne(members.status, "removed")))
    .limit(1);
  return rows.length > 0;
}

/** A member that is not from WeCom (no userid): added from an existing account. */
export async function insertAccountMember(
  db: Db,
  p: { teamId: number; accountId: number; name: string; role: MemberRole; status: MemberStatus; now: Date },
): Promise<MemberRow> {
  const rows = await db
    .insert(members)
    .values({ teamId: p.teamId, accountId: p.accountId, name: p.name, role: p.role, status: p.status, createdAt: p.now, updatedAt: p.now })
    .returning();
  return rows[0]!;
}

export interface AccountTeam {
  slug: string;
  teamName: string;
  /** The team's WeCom corp, null when the team is not bound. */
  corpId: string | null;
  status: MemberStatus;
  role: MemberRole | null;
  wecomUserId: string | null;
}

/** Every team the account has a (not removed) member row in, with the WeCom identity of that row. */
export async function teamsOfAccount(db: Db, p: { accountId: number }): Promise<AccountTeam[]> {
  return db
    .select({
      slug: teams.slug,
      teamName: teams.name,
      corpId: wecomBindings.corpId,
      status: members.status,
      role: members.role,
      wecomUserId: members.wecomUserId,
    })
    .from(members)
    .innerJoin(teams, eq(teams.id, members.teamId))
    .leftJoin(wecomBindings, eq(wecomBindings.teamId, teams.id))
    .where(and(eq(members.accountId, p.accountId), ne(members.status, "removed")))
    .orderBy(asc(teams.slug));
}

/** The WeCom member row with this lower-cased userid, locked for the rest of the transaction. */
export async function lockMemberByKey(db: Db, p: { teamId: number; key: string }): Promise<MemberRow | null> {
  const rows = await db
    .select()
    .from(members)
    .where(and(eq(members.teamId, p.teamId), eq(members.wecomUserKey, p.key)))
    .limit(1)
    .for("update");
  return rows[0] ?? null;
}

/** Ends the link of a WeCom row to its account: it is an imported member again (not authorized). */
export async function unlinkWecomRow(db: Db, p: { teamId: number; id: number; accountId: number; now: Date }): Promise<boolean> {
  const rows = await db
    .update(members)
    .set({ accountId: null, wecomVerifiedAt: null, status: "imported", statusBefore: null, role: null, updatedAt: p.now })
    .where(and(eq(members.teamId, p.teamId), eq(members.id, p.id), eq(members.accountId, p.accountId)))
    .returning({ id: members.id });
  return rows.length > 0;
}

/** WeCom vouched (OAuth) that the account linked to this row is its userid: a self-binding of a row match had linked. */
export async function markWecomVerified(db: Db, p: { teamId: number; id: number; accountId: number; at: Date }): Promise<void> {
  await db
    .update(members)
    .set({ wecomVerifiedAt: p.at, updatedAt: p.at })
    .where(and(eq(members.teamId, p.teamId), eq(members.id, p.id), eq(members.accountId, p.accountId), isNull(members.wecomVerifiedAt)));
}
