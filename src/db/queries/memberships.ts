import { and, eq, ne } from "drizzle-orm";
import { members, teams, type MemberRole, type MemberStatus } from "../schema";
import type { Db } from "../types";
import type { MemberRow } from "./directory";
import type { TeamRow } from "./teams";

export interface Standing {
  memberId: number;
  status: MemberStatus;
  role: MemberRole | null;
}

/** The team (null if no such slug) and every member row of the account in it (usually 0 or 1). */
export async function accountStanding(db: Db, p: { slug: string; accountId: number }): Promise<{ teamId: number; rows: Standing[] } | null> {
  const rows = await db
    .select({ teamId: teams.id, memberId: members.id, status: members.status, role: members.role })
    .from(teams)
    .leftJoin(members, and(eq(members.teamId, teams.id), eq(members.accountId, p.accountId)))
    .where(eq(teams.slug, p.slug));
  const first = rows[0];
  if (!first) return null;
  const standing: Standing[] = [];
  for (const r of rows) if (r.memberId !== null && r.status !== null) standing.push({ memberId: r.memberId, status: r.status, role: r.role });
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
  return db.select().from(members).where(and(eq(members.teamId, p.teamId), eq(members.accountId, p.accountId)));
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
