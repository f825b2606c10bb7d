import { and, desc, gt, isNotNull, isNull } from "drizzle-orm";
import { setupCodes, teams } from "../schema";
import type { Db } from "../types";

/**
 * Setup is over once any team exists or a setup code was ever spent (even if the team went later).
 * Not "any account": anyone may register an account, which grants nothing, and must not close the
 * operator's way in; a team is created only by the operator or by setup itself.
 */
export async function setupIsOver(db: Db): Promise<boolean> {
  const team = await db.select({ id: teams.id }).from(teams).limit(1);
  if (team.length > 0) return true;
  const spent = await db.select({ id: setupCodes.id }).from(setupCodes).where(isNotNull(setupCodes.usedAt)).limit(1);
  return spent.length > 0;
}

export async function insertSetupCode(db: Db, p: { codeHash: string; now: Date; expiresAt: Date }): Promise<void> {
  await db.insert(setupCodes).values({ codeHash: p.codeHash, createdAt: p.now, expiresAt: p.expiresAt });
}

/** Codes neither spent nor expired, newest first. */
export async function openSetupCodes(
  db: Db,
  p: { now: Date; limit: number },
): Promise<{ id: number; codeHash: string; createdAt: Date }[]> {
  return db
    .select({ id: setupCodes.id, codeHash: setupCodes.codeHash, createdAt: setupCodes.createdAt })
    .from(setupCodes)
    .where(and(isNull(setupCodes.usedAt), gt(setupCodes.expiresAt, p.now)))
    .orderBy(desc(setupCodes.createdAt), desc(setupCodes.id))
    .limit(p.limit);
}

/**
 * Spends every unspent code at once and returns the ids it spent. Two setups racing update the same
 * rows: the second waits for the first's row locks, then finds them spent and gets none back.
 */
export async function spendSetupCodes(db: Db, p: { now: Date }): Promise<number[]> {
  const rows = await db.update(setupCodes).set({ usedAt: p.now }).where(isNull(setupCodes.usedAt)).returning({ id: setupCodes.id });
  return rows.map((r) => r.id);
}
