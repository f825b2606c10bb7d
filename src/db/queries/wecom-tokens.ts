import { and, eq, sql } from "drizzle-orm";
import { wecomTokens } from "../schema";
import type { Db } from "../types";

export type TokenRow = typeof wecomTokens.$inferSelect;
type Key = { corpId: string; agentId: string };

export async function readToken(db: Db, p: Key): Promise<TokenRow | null> {
  const rows = await db
    .select()
    .from(wecomTokens)
    .where(and(eq(wecomTokens.corpId, p.corpId), eq(wecomTokens.agentId, p.agentId)))
    .limit(1);
  return rows[0] ?? null;
}

/** Serializes refreshes of one token across instances until the transaction ends. */
export async function lockToken(tx: Db, p: Key): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`wecom_token:${p.corpId}:${p.agentId}`}))`);
}

export async function saveToken(
  db: Db,
  p: Key & {
    secretFingerprint: string;
    accessToken: string | null;
    expiresAt: Date | null;
    fetchedAt: Date | null;
    failedErrcode: number | null;
    failedErrmsg: string | null;
    failedUntil: Date | null;
  },
): Promise<void> {
  const { corpId: _corpId, agentId: _agentId, ...rest } = p;
  await db
    .insert(wecomTokens)
    .values(p)
    .onConflictDoUpdate({ target: [wecomTokens.corpId, wecomTokens.agentId], set: rest });
}

/** Drops the token only if it is still the one that failed (another instance may have refreshed). */
export async function invalidateToken(db: Db, p: Key & { accessToken: string }): Promise<void> {
  await db
    .update(wecomTokens)
    .set({ accessToken: null, expiresAt: null })
    .where(and(eq(wecomTokens.corpId, p.corpId), eq(wecomTokens.agentId, p.agentId), eq(wecomTokens.accessToken, p.accessToken)));
}
