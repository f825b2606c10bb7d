import { and, eq, isNull, lte, or, sql } from "drizzle-orm";
import { botDecisionCards, botJobWatchers, type BotLang } from "../schema";
import type { Db } from "../types";

export type WatcherRow = typeof botJobWatchers.$inferSelect;
export type DecisionCardRow = typeof botDecisionCards.$inferSelect;

/** Someone who asked for this job gets its progress and summary; asking twice is one watcher. */
export async function addWatcher(
  db: Db,
  p: { jobId: number; teamId: number; userId: string; lang: BotLang; verb: string; percent: number; now: Date },
): Promise<void> {
  await db
    .insert(botJobWatchers)
    .values({
      jobId: p.jobId,
      teamId: p.teamId,
      userKey: p.userId.toLowerCase(),
      userId: p.userId,
      lang: p.lang,
      verb: p.verb,
      lastPercent: p.percent,
      lastReportedAt: p.now,
    })
    .onConflictDoNothing();
}

/**
 * The watchers due a progress report, claimed in one statement: progress moved ≥ `step` points
 * since their last report, or moved at all after ≥ `minGapMs` (docs/architecture.md#admin-bot: at
 * most every 25 % or 30 s).
 */
export async function claimProgressReports(
  db: Db,
  p: { jobId: number; percent: number; now: Date; step: number; minGapMs: number },
): Promise<WatcherRow[]> {
  const gapPassed = new Date(p.now.getTime() - p.minGapMs);
  return db
    .update(botJobWatchers)
    .set({ lastPercent: p.percent, lastReportedAt: p.now })
    .where(
      and(
        eq(botJobWatchers.jobId, p.jobId),
        isNull(botJobWatchers.finishedAt),
        sql`${botJobWatchers.lastPercent} < ${p.percent}`,
        or(sql`${botJobWatchers.lastPercent} + ${p.step} <= ${p.percent}`, lte(botJobWatchers.lastReportedAt, gapPassed)),
      ),
    )
    .returning();
}

/** The watchers still owed the summary of a settled job, claimed once. */
export async function claimSummaries(db: Db, p: { jobId: number; now: Date }): Promise<WatcherRow[]> {
  return db
    .update(botJobWatchers)
    .set({ finishedAt: p.now, lastPercent: 100 })
    .where(and(eq(botJobWatchers.jobId, p.jobId), isNull(botJobWatchers.finishedAt)))
    .returning();
}

/** Gives claimed summaries back after WeCom refused them. */
export async function releaseSummaries(db: Db, p: { jobId: number; userKeys: string[] }): Promise<void> {
  for (const userKey of p.userKeys) {
    await db
      .update(botJobWatchers)
      .set({ finishedAt: null })
      .where(and(eq(botJobWatchers.jobId, p.jobId), eq(botJobWatchers.userKey, userKey)));
  }
}

/** The job's decision card, created by exactly one caller (who then sends it). */
export async function createDecisionCard(
  db: Db,
  p: { jobId: number; teamId: number; taskId: string; recipients: string[]; now: Date },
): Promise<DecisionCardRow | null> {
  const rows = await db
    .insert(botDecisionCards)
    .values({ jobId: p.jobId, teamId: p.teamId, taskId: p.taskId, recipients: p.recipients, createdAt: p.now })
    .onConflictDoNothing()
    .returning();
  return rows[0] ?? null;
}

export async function markDecisionCardSent(db: Db, p: { jobId: number; now: Date }): Promise<void> {
  await db.update(botDecisionCards).set({ sentAt: p.now }).where(eq(botDecisionCards.jobId, p.jobId));
}

export async function findDecisionCard(db: Db, p: { teamId: number; taskId: string }): Promise<DecisionCardRow | null> {
  const rows = await db
    .select()
    .from(botDecisionCards)
    .where(and(eq(botDecisionCards.teamId, p.teamId), eq(botDecisionCards.taskId, p.taskId)))
    .limit(1);
  return rows[0] ?? null;
}

/**
 * Consumes the card for one click: the first click (by message key) wins; the same click seen
 * again still wins; any other click gets null and the card as decided.
 */
export async function consumeDecisionCard(
  db: Db,
  p: { jobId: number; decision: "confirm" | "reject"; by: string; key: string; now: Date },
): Promise<{ won: boolean; card: DecisionCardRow }> {
  const rows = await db
    .update(botDecisionCards)
    .set({ decision: p.decision, decidedBy: p.by, decidedKey: p.key, decidedAt: p.now })
    .where(and(eq(botDecisionCards.jobId, p.jobId), isNull(botDecisionCards.decidedAt)))
    .returning();
  if (rows[0]) return { won: true, card: rows[0] };
  const current = await db.select().from(botDecisionCards).where(eq(botDecisionCards.jobId, p.jobId)).limit(1);
  if (!current[0]) throw new Error(`no decision card for job ${p.jobId}`);
  return { won: current[0].decidedKey === p.key, card: current[0] };
}

/** Forgets a card that could not be sent (only one nobody has decided). */
export async function deleteDecisionCard(db: Db, p: { jobId: number }): Promise<void> {
  await db.delete(botDecisionCards).where(and(eq(botDecisionCards.jobId, p.jobId), isNull(botDecisionCards.decidedAt)));
}
