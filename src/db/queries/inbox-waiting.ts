import { and, eq, exists, gt, inArray, like, sql, type SQL } from "drizzle-orm";
import { callbackInbox, members, syncJobs } from "../schema";
import type { Db } from "../types";

/** Whether any import of the team has finished: until then contact hints wait (docs/observations.md). */
export async function teamHasImported(db: Db, p: { teamId: number }): Promise<boolean> {
  const rows = await db
    .select({ id: syncJobs.id })
    .from(syncJobs)
    .where(and(eq(syncJobs.teamId, p.teamId), eq(syncJobs.state, "succeeded")))
    .limit(1);
  return rows.length > 0;
}

/** Parks a claimed hint until the team's first import has finished (releaseWaitingHints). */
export async function parkUntilImported(db: Db, p: { inboxId: number }): Promise<void> {
  await db.update(callbackInbox).set({ status: "waiting", lockedUntil: null }).where(eq(callbackInbox.id, p.inboxId));
}

/**
 * Makes due the parked hints of every team that has finished an import. A hint stored in the
 * instant its team's import finished can be parked by a statement that did not see the finish yet,
 * after the done step released the others; this sweep is what releases it
 * (docs/observations.md#hints-before-the-first-import). Answers how many.
 */
export async function releaseStrandedHints(db: Db, p: { now: Date }): Promise<number> {
  const imported = db
    .select({ one: sql`1` })
    .from(syncJobs)
    .where(and(eq(syncJobs.teamId, callbackInbox.teamId), eq(syncJobs.state, "succeeded")));
  await settleObservedHints(db, { now: p.now, where: exists(imported) });
  const rows = await db
    .update(callbackInbox)
    .set({ status: "pending", nextAttemptAt: p.now, attempts: sql`0` })
    .where(and(eq(callbackInbox.status, "waiting"), exists(imported)))
    .returning({ id: callbackInbox.id });
  return rows.length;
}

/** Makes a team's parked hints due now, as fresh: the import they waited for has finished. Answers how many. */
export async function releaseWaitingHints(db: Db, p: { teamId: number; now: Date }): Promise<number> {
  await settleObservedHints(db, { now: p.now, where: eq(callbackInbox.teamId, p.teamId) });
  const rows = await db
    .update(callbackInbox)
    .set({ status: "pending", nextAttemptAt: p.now, attempts: sql`0` })
    .where(and(eq(callbackInbox.teamId, p.teamId), eq(callbackInbox.status, "waiting")))
    .returning({ id: callbackInbox.id });
  return rows.length;
}

/** The hints whose whole effect is a re-read of the member they name (src/callbacks/contact-change.ts). */
const REREAD_HANDLERS = ["event:change_contact", "event:subscribe", "event:unsubscribe"];

/**
 * Settles, without a re-read, the parked hints about a member the mirror observed after the hint
 * was stored: that observation was read after the change the hint reports, so it holds it already
 * (docs/observations.md#hints-before-the-first-import). A userid rename also moves the member's
 * row, so it is always applied.
 */
async function settleObservedHints(db: Db, p: { now: Date; where: SQL | undefined }): Promise<void> {
  await db
    .update(callbackInbox)
    .set({ status: "processed", finishedAt: p.now, lockedUntil: null })
    .from(members)
    .where(
      and(
        p.where,
        eq(callbackInbox.status, "waiting"),
        inArray(callbackInbox.handlerKey, REREAD_HANDLERS),
        like(callbackInbox.subject, "user:%"),
        sql`strpos(${callbackInbox.payload}, '<NewUserID>') = 0`,
        eq(members.teamId, callbackInbox.teamId),
        eq(members.wecomUserKey, sql`substr(${callbackInbox.subject}, 6)`),
        gt(members.observedAt, callbackInbox.storedAt),
      ),
    );
}
