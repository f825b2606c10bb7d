import { claimDueInbox, coalesceInbox, finishInboxRows, renewInboxLease, retryInboxRow, type InboxRow } from "../../db/queries/inbox";
import type { CallbackHandler, Deps } from "../../deps";
import { withFields } from "../../logger";
import { parseMessage } from "../../wecom/xml";
import { startHeartbeat } from "../heartbeat";
import { deliverWebhooks } from "../webhooks/deliver";

export const INBOX_MAX_ATTEMPTS = 6;
/**
 * A claimed batch's lease, renewed every INBOX_HEARTBEAT_MS while the batch is handled: rows whose
 * processor died are claimed again by the next sweep after the lease (every 5 s on Node), not
 * minutes later; a live processor keeps its rows however slow a handler is.
 */
export const INBOX_LEASE_MS = 20_000;
export const INBOX_HEARTBEAT_MS = 5_000;
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
    const rows = await claimDueInbox(deps.db, {
      now,
      leaseUntil: new Date(now.getTime() + INBOX_LEASE_MS),
      limit: Math.min(BATCH, maxRows - seen),
    });
    if (rows.length === 0) break;
    seen += rows.length;
    const lease = batchLease(deps, rows);
    try {
      await handleBatch(deps, rows, lease, summary);
    } finally {
      await lease.stop();
    }
  }
  return summary;
}

interface BatchLease {
  /** Rows of the batch this processor has not finished yet: the ones its heartbeat renews. */
  held: Set<number>;
  /** Rows another processor claimed after this one stalled past their lease: left to that one. */
  lost: Set<number>;
  stop(): Promise<void>;
}

function batchLease(deps: Deps, rows: InboxRow[]): BatchLease {
  const held = new Set(rows.map((r) => r.id));
  const lost = new Set<number>();
  const heartbeat = startHeartbeat(deps, {
    everyMs: INBOX_HEARTBEAT_MS,
    what: "callback inbox",
    renew: async () => {
      const mine = rows.filter((r) => held.has(r.id));
      const renewed = await renewInboxLease(deps.db, {
        rows: mine.map((r) => ({ id: r.id, attempts: r.attempts })),
        leaseUntil: new Date(deps.clock.now().getTime() + INBOX_LEASE_MS),
      });
      for (const r of mine) {
        // Finished while the renewal ran, or re-claimed by someone else: either way not ours.
        if (renewed.has(r.id) || !held.has(r.id)) continue;
        held.delete(r.id);
        lost.add(r.id);
      }
      return true;
    },
  });
  return { held, lost, stop: () => heartbeat.stop() };
}

/**
 * Rows about different subjects are handled side by side, up to `deps.inboxLanes` at once: a
 * handler spends most of its time waiting on WeCom and the database, and after an import hundreds
 * of hints can be due together. Rows about one subject, and every row without one (chat messages,
 * whose order is the conversation's), stay in one lane, in claim order. The default, three, keeps
 * within the smallest connection pool (Workers), with a lane's transaction waiting on the mirror
 * lock holding one.
 */
const LANES = 3;

async function handleBatch(deps: Deps, rows: InboxRow[], lease: BatchLease, summary: ProcessSummary): Promise<void> {
  // Types without a handler are marked ignored together, in one statement.
  const unhandled = rows.filter((r) => !deps.callbackHandlers[r.handlerKey]);
  if (unhandled.length > 0) {
    await finishInboxRows(deps.db, { ids: unhandled.map((r) => r.id), status: "ignored", now: deps.clock.now() });
    for (const r of unhandled) lease.held.delete(r.id);
    summary.ignored += unhandled.length;
    deps.logger.debug("callbacks ignored", { count: unhandled.length, handlerKeys: [...new Set(unhandled.map((r) => r.handlerKey))] });
  }
  const lanes = new Map<string, InboxRow[]>();
  for (const row of rows) {
    if (!deps.callbackHandlers[row.handlerKey]) continue;
    const key = row.subject === null ? "" : `${row.teamId}:${row.subject}`;
    const lane = lanes.get(key);
    if (lane) lane.push(row);
    else lanes.set(key, [row]);
  }
  const queue = [...lanes.values()];
  const worker = async () => {
    for (let lane = queue.shift(); lane; lane = queue.shift()) await handleLane(deps, lane, lease, summary);
  };
  await Promise.all(Array.from({ length: Math.min(deps.inboxLanes ?? LANES, queue.length) }, worker));
}

async function handleLane(deps: Deps, rows: InboxRow[], lease: BatchLease, summary: ProcessSummary): Promise<void> {
  // Rows claimed together are out of coalesceInbox's reach (it finishes pending rows only): one
  // whose subject this lane re-read after the row arrived carries nothing newer either.
  let readAt: Date | undefined;
  for (const row of rows) {
    if (lease.lost.has(row.id)) continue;
    const handler = deps.callbackHandlers[row.handlerKey]!;
    try {
      if (row.subject !== null && readAt !== undefined && row.receivedAt <= readAt) {
        await finishInboxRows(deps.db, { ids: [row.id], status: "processed", now: deps.clock.now() });
        summary.processed++;
        continue;
      }
      const startedAt = deps.clock.now();
      const outcome = await processRow(deps, row, handler);
      summary[outcome]++;
      if (outcome === "processed" && row.subject !== null) readAt = startedAt;
    } finally {
      lease.held.delete(row.id);
    }
  }
}

async function processRow(outer: Deps, row: InboxRow, handler: CallbackHandler): Promise<keyof ProcessSummary> {
  // Every line of a callback's handling names its team and inbox row, whoever logs it.
  const deps: Deps = { ...outer, logger: withFields(outer.logger, { teamId: row.teamId, inboxId: row.id }) };
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
  let handled = 0;
  try {
    while (state.again) {
      state.again = false;
      const done = await processInbox(deps);
      handled += done.processed;
      // A full round may have left due rows behind: go on until a round comes up short.
      if (done.processed + done.ignored + done.waiting + done.retried + done.dead >= ROUND) state.again = true;
    }
  } finally {
    draining.delete(deps.db);
  }
  // Handled callbacks may have written webhook outbox rows; the webhook-deliver schedule would find them too.
  if (handled > 0) deps.defer(() => deliverWebhooks(deps));
}
