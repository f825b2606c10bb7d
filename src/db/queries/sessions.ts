import { and, eq, inArray, lt, lte, sql } from "drizzle-orm";
import { accounts, loginAttempts, sessions } from "../schema";
import type { Db } from "../types";
import type { AccountRow } from "./accounts";

export type SessionRow = typeof sessions.$inferSelect;

export async function insertSession(db: Db, p: { tokenHash: string; accountId: number; now: Date; expiresAt: Date }): Promise<void> {
  await db
    .insert(sessions)
    .values({ tokenHash: p.tokenHash, accountId: p.accountId, createdAt: p.now, expiresAt: p.expiresAt, lastSeenAt: p.now });
}

/** The session with this token hash and its account, expired or not (the caller decides). */
export async function findSession(db: Db, p: { tokenHash: string }): Promise<{ session: SessionRow; account: AccountRow } | null> {
  const rows = await db
    .select({ session: sessions, account: accounts })
    .from(sessions)
    .innerJoin(accounts, eq(accounts.id, sessions.accountId))
    .where(eq(sessions.tokenHash, p.tokenHash))
    .limit(1);
  return rows[0] ?? null;
}

export async function touchSession(db: Db, p: { tokenHash: string; now: Date }): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: p.now }).where(eq(sessions.tokenHash, p.tokenHash));
}

export async function deleteSession(db: Db, p: { tokenHash: string }): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, p.tokenHash));
}

export async function deleteExpiredSessions(db: Db, p: { accountId: number; now: Date }): Promise<void> {
  await db.delete(sessions).where(and(eq(sessions.accountId, p.accountId), lte(sessions.expiresAt, p.now)));
}

// ---- Login throttling ----------------------------------------------------------------------

/**
 * Counts one attempt against each key and returns each key's window start and count after it.
 * A key whose window has passed starts a new one at `now`. One statement, so concurrent attempts
 * from several instances are all counted (ON CONFLICT increments, no read-then-write race).
 */
export async function countLoginAttempt(
  db: Db,
  p: { keys: string[]; now: Date; windowMs: number },
): Promise<{ key: string; windowStart: Date; attempts: number }[]> {
  if (p.keys.length === 0) return [];
  const expired = sql`${loginAttempts.windowStart} <= ${new Date(p.now.getTime() - p.windowMs).toISOString()}::timestamptz`;
  return db
    .insert(loginAttempts)
    .values(p.keys.map((key) => ({ key, windowStart: p.now, attempts: 1 })))
    .onConflictDoUpdate({
      target: loginAttempts.key,
      set: {
        windowStart: sql`case when ${expired} then excluded.window_start else ${loginAttempts.windowStart} end`,
        attempts: sql`case when ${expired} then 1 else ${loginAttempts.attempts} + 1 end`,
      },
    })
    .returning({ key: loginAttempts.key, windowStart: loginAttempts.windowStart, attempts: loginAttempts.attempts });
}

/** A successful login forgets the counts of `resetKeys` and gives back its one attempt to `refundKeys`. */
export async function refundLoginAttempt(db: Db, p: { resetKeys: string[]; refundKeys: string[] }): Promise<void> {
  if (p.resetKeys.length > 0) await db.delete(loginAttempts).where(inArray(loginAttempts.key, p.resetKeys));
  if (p.refundKeys.length > 0) {
    await db
      .update(loginAttempts)
      .set({ attempts: sql`greatest(${loginAttempts.attempts} - 1, 0)` })
      .where(inArray(loginAttempts.key, p.refundKeys));
  }
}

/** Windows that have passed count nothing any more. */
export async function pruneLoginAttempts(db: Db, p: { before: Date }): Promise<void> {
  await db.delete(loginAttempts).where(lt(loginAttempts.windowStart, p.before));
}

/** Ends every session of these accounts (a member locked or deauthorized: docs/sync.md#deletion-policies). */
export async function deleteSessionsOfAccounts(db: Db, p: { accountIds: number[] }): Promise<void> {
  if (p.accountIds.length > 0) await db.delete(sessions).where(inArray(sessions.accountId, p.accountIds));
}

/** Sessions past their expiry, of every account (the hourly housekeeping). */
export async function pruneExpiredSessions(db: Db, p: { now: Date }): Promise<void> {
  await db.delete(sessions).where(lte(sessions.expiresAt, p.now));
}
