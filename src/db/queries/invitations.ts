import { and, desc, eq, gt, inArray, isNull } from "drizzle-orm";
import { invitations, members, type InvitationDelivery } from "../schema";
import type { Db } from "../types";
import type { MemberRow } from "./directory";

export type InvitationRow = typeof invitations.$inferSelect;
export type NewInvitation = typeof invitations.$inferInsert;

/** The member row, locked for the rest of the transaction (one invitation decision at a time). */
export async function lockMember(db: Db, p: { teamId: number; id: number }): Promise<MemberRow | null> {
  const rows = await db
    .select()
    .from(members)
    .where(and(eq(members.teamId, p.teamId), eq(members.id, p.id)))
    .limit(1)
    .for("update");
  return rows[0] ?? null;
}

/** The member's open (not consumed, not revoked) invitation, expired or not. */
export async function openInvitationOf(db: Db, p: { memberId: number }): Promise<InvitationRow | null> {
  const rows = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.memberId, p.memberId), isNull(invitations.consumedAt), isNull(invitations.revokedAt)))
    .limit(1);
  return rows[0] ?? null;
}

export async function lastInvitationOf(db: Db, p: { memberId: number }): Promise<InvitationRow | null> {
  const rows = await db
    .select()
    .from(invitations)
    .where(eq(invitations.memberId, p.memberId))
    .orderBy(desc(invitations.createdAt), desc(invitations.id))
    .limit(1);
  return rows[0] ?? null;
}

export async function revokeInvitation(db: Db, p: { id: number; at: Date }): Promise<void> {
  await db
    .update(invitations)
    .set({ revokedAt: p.at })
    .where(and(eq(invitations.id, p.id), isNull(invitations.revokedAt), isNull(invitations.consumedAt)));
}

export async function insertInvitation(db: Db, row: NewInvitation): Promise<InvitationRow> {
  const [created] = await db.insert(invitations).values(row).returning();
  if (!created) throw new Error("invitation insert returned nothing");
  return created;
}

export async function recordDelivery(
  db: Db,
  p: { id: number; delivery: InvitationDelivery; error: string | null; msgId: string | null },
): Promise<void> {
  await db.update(invitations).set({ delivery: p.delivery, deliveryError: p.error, msgId: p.msgId }).where(eq(invitations.id, p.id));
}

/** The open, unexpired invitation with this token hash (looked up by hash: no token comparison). */
export async function findOpenByHash(db: Db, p: { tokenHash: string; now: Date }): Promise<InvitationRow | null> {
  const rows = await db
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.tokenHash, p.tokenHash),
        isNull(invitations.consumedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, p.now),
      ),
    )
    .limit(1);
  return rows[0] ?? null;
}

/** Revokes the open invitations of these members (they became active another way). */
export async function revokeOpenOf(db: Db, p: { memberIds: number[]; at: Date }): Promise<void> {
  if (p.memberIds.length === 0) return;
  await db
    .update(invitations)
    .set({ revokedAt: p.at })
    .where(and(inArray(invitations.memberId, p.memberIds), isNull(invitations.revokedAt), isNull(invitations.consumedAt)));
}

/** The invitation with this token hash in whatever state (the join page tells used, expired and revoked apart). */
export async function findByHash(db: Db, p: { tokenHash: string }): Promise<InvitationRow | null> {
  const rows = await db.select().from(invitations).where(eq(invitations.tokenHash, p.tokenHash)).limit(1);
  return rows[0] ?? null;
}

/** The invitation, locked for the rest of the transaction: one join decision at a time. */
export async function lockInvitation(db: Db, p: { id: number }): Promise<InvitationRow | null> {
  const rows = await db.select().from(invitations).where(eq(invitations.id, p.id)).limit(1).for("update");
  return rows[0] ?? null;
}

/**
 * Consumes an open, unexpired invitation: exactly one caller gets the row back, however many race
 * (one-time tokens are consumed atomically: docs/architecture.md#coordination-lives-in-postgresql).
 */
export async function consumeInvitation(db: Db, p: { id: number; now: Date }): Promise<InvitationRow | null> {
  const rows = await db
    .update(invitations)
    .set({ consumedAt: p.now })
    .where(and(eq(invitations.id, p.id), isNull(invitations.consumedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, p.now)))
    .returning();
  return rows[0] ?? null;
}
