import { pruneInboxRows } from "../../db/queries/inbox";
import type { Deps } from "../../deps";

/**
 * How long a handled or ignored callback stays in the inbox. Its row is what makes a repeated
 * delivery a no-op, but a delivery is refused as stale once its timestamp is 300 s old
 * (docs/architecture.md#callbacks), so past that the row serves only diagnosis.
 */
export const INBOX_KEEP_DAYS = 7;
/** Dead letters stay longer: an operator reads their errors (docs/operations.md#callback-inbox-retention). */
export const INBOX_DEAD_KEEP_DAYS = 30;
/** Rows deleted per statement: short transactions beside the processors, whatever the backlog. */
const ROUND = 5_000;

/**
 * The hourly housekeeping's part for the callback inbox: finished rows past their days go, round
 * after round, until a round comes up short or the invocation's budget is spent (the next hour
 * goes on). Without it the table grows with time, not with the company.
 */
export async function pruneInbox(deps: Deps): Promise<number> {
  const now = deps.clock.now().getTime();
  const doneBefore = new Date(now - INBOX_KEEP_DAYS * 24 * 3_600_000);
  const deadBefore = new Date(now - INBOX_DEAD_KEEP_DAYS * 24 * 3_600_000);
  let total = 0;
  for (;;) {
    if (deps.budget?.exhausted()) break;
    const n = await pruneInboxRows(deps.db, { doneBefore, deadBefore, limit: ROUND });
    total += n;
    if (n < ROUND) break;
  }
  if (total > 0) deps.logger.info("callback inbox pruned", { rows: total });
  return total;
}
