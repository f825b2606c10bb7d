import {
  CLAIM_WINDOW,
  claimDueDeliveries,
  fanOutBatches,
  markAttemptFailed,
  markDelivered,
  type AttemptResult,
  type DueDelivery,
} from "../../db/queries/webhooks";
import type { Db } from "../../db/types";
import type { Deps } from "../../deps";
import { fetchSend, type HttpSend } from "../../wecom/transport";
import { endpointSealContext, signWebhook } from "./sign";
import { judgeHost } from "./url-guard";

/**
 * Waits after attempt n (1-based) fails: growing about fivefold, then doubling, about 27 h in all
 * — past the day after which a failing endpoint is disabled. After the last one the delivery is `failed`.
 */
export const RETRY_DELAYS_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000, 36_000_000];
/** An endpoint failing without a success for this long is disabled. */
export const DISABLE_AFTER_MS = 24 * 3_600_000;
const LEASE_MS = 60_000;
/** A walk over the pending deliveries starts over at least this often: a retry due behind it waits no longer than the shortest delay. */
const PASS_MS = RETRY_DELAYS_MS[0]!;
/** Well inside a bigint however far it grows, and past any id. */
const MAX_WINDOW = 2 ** 40;
/** Sent at once: enough to keep a slow receiver busy, few enough not to time each other out. */
const BATCH = 16;
const EXCERPT = 500;
/** Outbox batches fanned out at a walk's start: an import's page each, so a few thousand events. */
const FANOUT_BATCHES = 8;

/**
 * Without Deps.webhookSend (Workers, some tests): the global fetch. Redirects are not followed
 * (docs/webhooks.md#delivery): a 3xx is the receiver's answer, a failed attempt, as node:http gives it.
 */
const fetchWebhook: HttpSend = fetchSend((url, init) => globalThis.fetch(url, { ...init, redirect: "manual" }));

/**
 * Sends what is due, batch after batch, until nothing is due or the invocation's budget is spent.
 * Claims hold a lease, so instances share the work and a crashed sender's claims are retried.
 * A receiver may see an event twice (at least once); `webhook-id` is stable for deduplication.
 */
export async function deliverWebhooks(deps: Deps): Promise<{ delivered: number; failed: number }> {
  const total = { delivered: 0, failed: 0 };
  // Where the walk over the pending deliveries stands: each claim starts past the last one's, not
  // at the lowest id, so it skips the dead index entries of what was delivered since the table was
  // last vacuumed (docs/webhooks.md#claim-cost). The walk starts over when it reaches the end, and
  // every PASS_MS, for what it passed that has come due since (a retry, a lapsed lease, an event
  // whose predecessor was delivered). It ends when a walk from the start finds nothing due.
  let after = 0;
  let passStarted = 0;
  let passSent = 0;
  // Eight times wider after a window with nothing due: a failing endpoint's long backlog of
  // retries not yet due is passed in a few claims, not one per 512 ids.
  let window = CLAIM_WINDOW;
  let fanned: number | null = 0;
  for (;;) {
    if (deps.budget?.exhausted()) break;
    const now = deps.clock.now();
    if (after > 0 && now.getTime() - passStarted >= PASS_MS) after = 0;
    if (after === 0) {
      passStarted = now.getTime();
      passSent = 0;
      window = CLAIM_WINDOW;
      fanned = await fanOutWebhooks(deps);
    }
    const { due, walkedTo } = await claimDueDeliveries(deps.db, {
      now,
      leaseUntil: new Date(now.getTime() + LEASE_MS),
      limit: BATCH,
      after,
      window,
    });
    passSent += due.length;
    window = due.length === 0 ? Math.min(window * 8, MAX_WINDOW) : CLAIM_WINDOW;
    if (walkedTo === null) {
      // Nothing sent and nothing fanned out (or another sender fanning out, which sends it): done.
      if (passSent === 0 && !fanned) break;
      after = 0;
    } else after = walkedTo;
    if (due.length === 0) continue;
    // One lookup per host and batch: the check is fresh for every batch, cheap within one.
    const lookups = new Map<string, Promise<string[]>>();
    const results = await Promise.all(due.map((d) => attempt(deps, d, lookups)));
    const delivered = results.filter((r) => r !== null);
    // One write for the batch's successes: marked a moment later than sent, which a crash in
    // between turns into a second sending (at least once), never a loss.
    await markDelivered(deps.db, delivered);
    delivered.forEach(() => deps.metrics?.webhookDelivery?.({ outcome: "delivered" }));
    total.delivered += delivered.length;
    total.failed += results.length - delivered.length;
  }
  return total;
}

/**
 * Turns the oldest outbox batches into pending deliveries (docs/webhooks.md#the-outbox): how many
 * it took, or null while another sender is at it (that one sends them).
 */
export async function fanOutWebhooks(deps: Pick<Deps, "db">): Promise<number | null> {
  return deps.db.transaction((tx: Db) => fanOutBatches(tx, { limit: FANOUT_BATCHES }));
}

/** One sending: its result when answered 2xx (marked delivered with its batch), else null (marked failed here). */
async function attempt(deps: Deps, d: DueDelivery, lookups: Map<string, Promise<string[]>>): Promise<AttemptResult | null> {
  const send = deps.webhookSend ?? fetchWebhook;
  const at = deps.clock.now();
  const body = JSON.stringify({ type: d.type, timestamp: d.createdAt.toISOString(), data: d.data });
  const started = performance.now();
  let status: number | null = null;
  let response: string | null = null;
  let error: string | null = null;
  try {
    const verdict = await judgeHost(deps, new URL(d.url).hostname, lookups);
    if (!verdict.ok)
      throw new RefusedHost(
        verdict.reason === "private" ? `resolves to a private address: ${verdict.detail}` : `does not resolve: ${verdict.detail}`,
      );
    const secret = deps.secrets.open(d.secretSealed, endpointSealContext(d.endpointId));
    const headers = {
      "content-type": "application/json",
      "user-agent": "wecom-roster-webhooks",
      ...signWebhook(secret, d.eventId, Math.floor(at.getTime() / 1000), body),
    };
    // One deadline for connecting, the headers and the body; a body cut short or late fails the attempt.
    const answer = await send({ method: "POST", url: d.url, headers, body, timeoutMs: deps.config.webhookTimeoutMs });
    status = answer.status;
    response = answer.text.slice(0, EXCERPT);
  } catch (err) {
    error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
  const result = { id: d.id, endpointId: d.endpointId, at, status, latencyMs: Math.round(performance.now() - started), response, error };
  if (status !== null && status >= 200 && status < 300) return result;
  const delay = RETRY_DELAYS_MS[d.attempts - 1];
  const nextAttemptAt = delay === undefined ? null : new Date(at.getTime() + delay);
  const disabled = await markAttemptFailed(deps.db, { ...result, nextAttemptAt, disableAfterMs: DISABLE_AFTER_MS });
  deps.metrics?.webhookDelivery?.({ outcome: nextAttemptAt ? "retry" : "failed" });
  deps.logger.warn("webhook attempt failed", {
    endpointId: d.endpointId,
    eventId: d.eventId,
    attempt: d.attempts,
    status,
    error,
    retryAt: nextAttemptAt?.toISOString() ?? null,
  });
  if (disabled) {
    deps.logger.error("webhook endpoint disabled after failing for a day", { endpointId: d.endpointId });
    await deps.hooks
      .endpointDisabled(deps, d.endpointId)
      .catch((err: unknown) => deps.logger.warn("webhook disable notice not sent", { endpointId: d.endpointId, error: err }));
  }
  return null;
}

/** The attempt's host was refused before connecting (docs/webhooks.md#private-addresses): logged like any failed attempt. */
class RefusedHost extends Error {
  override name = "RefusedHost";
}
