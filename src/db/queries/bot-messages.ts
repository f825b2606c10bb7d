import { and, eq, isNull, lte } from "drizzle-orm";
import { botGreetings, botMessages, type BotLang } from "../schema";
import type { Db } from "../types";

export type BotMessageRow = typeof botMessages.$inferSelect;

/**
 * The bot's row for one message: inserted on first sight, read back on every later one (a handler
 * may run twice for one inbox row, process-inbox.ts). Never two rows for one key.
 */
export async function claimBotMessage(
  db: Db,
  p: { teamId: number; messageKey: string; userId: string; command: string; lang: BotLang; now: Date },
): Promise<{ row: BotMessageRow; fresh: boolean }> {
  const inserted = await db
    .insert(botMessages)
    .values({ teamId: p.teamId, messageKey: p.messageKey, userId: p.userId, command: p.command, lang: p.lang, createdAt: p.now })
    .onConflictDoNothing({ target: [botMessages.teamId, botMessages.messageKey] })
    .returning();
  if (inserted[0]) return { row: inserted[0], fresh: true };
  const rows = await db
    .select()
    .from(botMessages)
    .where(and(eq(botMessages.teamId, p.teamId), eq(botMessages.messageKey, p.messageKey)))
    .limit(1);
  if (!rows[0]) throw new Error("bot message vanished after conflict");
  return { row: rows[0], fresh: false };
}

/** Stores the verb's outcome once; a second writer gets the first one's outcome back. */
export async function saveBotResult(db: Db, p: { id: number; result: Record<string, unknown> }): Promise<Record<string, unknown>> {
  const rows = await db
    .update(botMessages)
    .set({ result: p.result })
    .where(and(eq(botMessages.id, p.id), isNull(botMessages.result)))
    .returning({ result: botMessages.result });
  if (rows[0]?.result) return rows[0].result;
  const current = await db.select({ result: botMessages.result }).from(botMessages).where(eq(botMessages.id, p.id)).limit(1);
  return current[0]?.result ?? p.result;
}

/** Claims the right to send this message's reply: true for exactly one caller. */
export async function claimReply(db: Db, p: { id: number; now: Date }): Promise<boolean> {
  const rows = await db
    .update(botMessages)
    .set({ repliedAt: p.now })
    .where(and(eq(botMessages.id, p.id), isNull(botMessages.repliedAt)))
    .returning({ id: botMessages.id });
  return rows.length > 0;
}

/** Gives a claimed reply back after WeCom failed to take it, so the retry may send it. */
export async function releaseReply(db: Db, p: { id: number }): Promise<void> {
  await db.update(botMessages).set({ repliedAt: null }).where(eq(botMessages.id, p.id));
}

/**
 * Records a greeting if the last one is at least `minGapMs` old (or there is none): true when
 * this caller should greet. One statement, so two deliveries at once greet once.
 */
export async function claimGreeting(db: Db, p: { teamId: number; userKey: string; now: Date; minGapMs: number }): Promise<boolean> {
  const due = new Date(p.now.getTime() - p.minGapMs);
  const rows = await db
    .insert(botGreetings)
    .values({ teamId: p.teamId, userKey: p.userKey, greetedAt: p.now })
    .onConflictDoUpdate({
      target: [botGreetings.teamId, botGreetings.userKey],
      set: { greetedAt: p.now },
      setWhere: lte(botGreetings.greetedAt, due),
    })
    .returning({ userKey: botGreetings.userKey });
  return rows.length > 0;
}
