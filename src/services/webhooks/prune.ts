import { pruneDeliveryLog } from "../../db/queries/webhooks";
import type { Deps } from "../../deps";

/** How long the delivery log keeps a finished delivery, and an event none refers to (docs/webhooks.md#retention). */
export const DELIVERY_LOG_DAYS = 30;
/** Rows deleted per statement: short transactions beside the senders, whatever the backlog. */
const ROUND = 5_000;

/**
 * The hourly housekeeping's part for webhooks: finished deliveries and unreferenced events older
 * than DELIVERY_LOG_DAYS go, round after round, until a round finds fewer than a full one or the
 * invocation's budget is spent (the next hour goes on).
 */
export async function pruneWebhookLog(deps: Deps): Promise<{ deliveries: number; events: number }> {
  const before = new Date(deps.clock.now().getTime() - DELIVERY_LOG_DAYS * 24 * 3_600_000);
  const total = { deliveries: 0, events: 0 };
  for (;;) {
    if (deps.budget?.exhausted()) break;
    const round = await pruneDeliveryLog(deps.db, { before, limit: ROUND });
    total.deliveries += round.deliveries;
    total.events += round.events;
    if (round.deliveries < ROUND && round.events < ROUND) break;
  }
  if (total.deliveries + total.events > 0) deps.logger.info("webhook delivery log pruned", total);
  return total;
}
