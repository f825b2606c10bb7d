import { claimDueInbox, coalesceInbox, finishInboxRows, retryInboxRow, type InboxRow } from "../../db/queries/inbox";
import type { CallbackHandler } from "../../callbacks/handler-table";
import type { Deps } from "../../deps";
import { parseMessage } from "../../wecom/xml";

export const INBOX_MAX_ATTEMPTS = 6;
const LEASE_MS = 5 * 60_000;
const BATCH = 50;
/** Rows one processInbox call handles at most before it returns. */
const ROUND = 1000;

/** 30 s, 1 min, 2 min, … with ±20 % jitter so a burst of failures does not retry in lockstep. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = 30_000 * 2 ** Math.max(0, attempt - 1);
  return Math.round(base * (0.8 + 0.4 * random()));
}

export interface ProcessSummary {
  processed: number;
  ignored: number;
  /** Parked by their handler until the team's first import has finished. */
  waiting: number;
  retried: number;
  dead: number;
}

/**
 * Drains due inbox rows through the handler table. Delivery to handlers is at-least-once (a lease
 * can expire under a slow handler), so handlers re-read state and stay idempotent
 * (docs/architecture.md#coordination-lives-in-postgresql).
 */
export async function processInbox(deps: Deps, opts: { maxRows?: number } = {}): Promise<ProcessSummary> {
  const summary: ProcessSummary = { processed: 0, ignored: 0, waiting: 0, retried: 0, dead: 0 };
  const maxRows = opts.maxRows ?? ROUND;
  let seen = 0;
  // A spent budget (Workers: the invocation's time; Node: shutting down) claims no further batch:
  // the rows already claimed are finished, the rest wait for the next sweep or start-up.
  while (seen < maxRows && !deps.budget?.exhausted()) {
    const now = deps.clock.now();
    const rows = await claimDueInbox(deps.db, { now, leaseUntil: new Date(now.getTime() + LEASE_MS), limit: Math.min(BATCH, maxRows - seen) });
    if (rows.length === 0) break;
    seen += rows.length;
    // Types without a handler are marked ignored together, in one statement.
    const unhandled = rows.filter((r) => !deps.callbackHandlers[r.handlerKey]);
    if (unhandled.length > 0) {
      await finishInboxRows(deps.db, { ids: unhandled.map((r) => r.id), status: "ignored", now: deps.clock.now() });
      summary.ignored += unhandled.length;
      deps.logger.debug("callbacks ignored", { count: unhandled.length, handlerKeys: [...new Set(unhandled.map((r) => r.handlerKey))] });
    }
    // Rows claimed together are out of coalesceInbox's reach (it finishes pending rows only): one
    // whose subject this batch re-read after the row arrived carries nothing newer either.
    const reread = new Map<string, Date>();
    for (const row of rows) {
      const handler = deps.callbackHandlers[row.handlerKey];
      if (!handler) continue;
      const subject = row.subject === null ? null : `${row.teamId}:${row.subject}`;
      const readAt = subject === null ? undefined : reread.get(subject);
      if (readAt !== undefined && row.receivedAt <= readAt) {
        await finishInboxRows(deps.db, { ids: [row.id], status: "processed", now: deps.clock.now() });
        summary.processed++;
        continue;
      }
      const startedAt = deps.clock.now();
      const outcome = await processRow(deps, row, handler);
      summary[outcome]++;
      if (outcome === "processed" && subject !== null) reread.set(subject, startedAt);
    }
  }
  return summary;
}

async function processRow(deps: Deps, row: InboxRow, handler: CallbackHandler): Promise<keyof ProcessSummary> {
  try {
    const startedAt = deps.clock.now();
    const outcome = await handler(deps, { teamId: row.teamId, inboxId: row.id, message: parseMessage(row.payload) });
    if (outcome === "waiting") return outcome;
    await finishInboxRows(deps.db, { ids: [row.id], status: outcome, now: deps.clock.now() });
    if (row.subject && outcome === "processed") {
      await coalesceInbox(deps.db, { teamId: row.teamId, subject: row.subject, receivedBefore: startedAt, now: deps.clock.now() });
    }
    return outcome;
  } catch (err) {
    const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    if (row.attempts >= INBOX_MAX_ATTEMPTS) {
      await finishInboxRows(deps.db, { ids: [row.id], status: "dead", now: deps.clock.now(), error });
      deps.logger.error("callback dead-lettered", { inboxId: row.id, handlerKey: row.handlerKey, attempts: row.attempts, error });
      return "dead";
    }
    const nextAttemptAt = new Date(deps.clock.now().getTime() + retryDelayMs(row.attempts));
    await retryInboxRow(deps.db, { id: row.id, nextAttemptAt, error });
    deps.logger.warn("callback failed, will retry", { inboxId: row.id, handlerKey: row.handlerKey, attempts: row.attempts, error });
    return "retried";
  }
}

const draining = new WeakMap<Deps["db"], { again: boolean }>();

/**
 * Processes the inbox after a callback is stored. Callbacks arriving while a drain runs ask it to
 * go round once more instead of starting drains of their own: under a burst one processor
 * claims rows in batches (a process-local economy; claims in PostgreSQL keep it correct).
 */
export async function drainInbox(deps: Deps): Promise<void> {
  const running = draining.get(deps.db);
  if (running) {
    running.again = true;
    return;
  }
  const state = { again: true };
  draining.set(deps.db, state);
  try {
    while (state.again) {
      state.again = false;
      const done = await processInbox(deps);
      // A full round may have left due rows behind: go on until a round comes up short.
      if (done.processed + done.ignored + done.waiting + done.retried + done.dead >= ROUND) state.again = true;
    }
  } finally {
    draining.delete(deps.db);
  }
}
