import { eq } from "drizzle-orm";
import { accounts } from "../schema";
import type { Db } from "../types";

export type AccountRow = typeof accounts.$inferSelect;
export type NewAccount = Omit<typeof accounts.$inferInsert, "id">;

/** Returns null when the username (case-insensitively) is taken: the unique index decides, no race. */
export async function insertAccount(db: Db, p: NewAccount): Promise<AccountRow | null> {
  const rows = await db.insert(accounts).values(p).onConflictDoNothing({ target: accounts.usernameKey }).returning();
  return rows[0] ?? null;
}

export async function findAccountByUsernameKey(db: Db, p: { usernameKey: string }): Promise<AccountRow | null> {
  const rows = await db.select().from(accounts).where(eq(accounts.usernameKey, p.usernameKey)).limit(1);
  return rows[0] ?? null;
}

export async function findAccountById(db: Db, p: { id: number }): Promise<AccountRow | null> {
  const rows = await db.select().from(accounts).where(eq(accounts.id, p.id)).limit(1);
  return rows[0] ?? null;
}

export async function updatePasswordHash(db: Db, p: { id: number; passwordHash: string; now: Date }): Promise<void> {
  await db.update(accounts).set({ passwordHash: p.passwordHash, updatedAt: p.now }).where(eq(accounts.id, p.id));
}
