import type { Deps } from "../deps";
import { pruneSessions } from "../services/accounts/prune-sessions";
import { pruneInbox } from "../services/callbacks/prune-inbox";
import { sweepInbox } from "../services/callbacks/sweep-inbox";
import { housekeeping, reconcileAll, resumeJobs } from "../services/directory/scheduled";
import { deliverWebhooks } from "../services/webhooks/deliver";
import { pruneWebhookLog } from "../services/webhooks/prune";

export interface ScheduledWork {
  name: string;
  /** Five-field cron; Workers' cron triggers use the same strings. */
  cron: (deps: Deps) => string;
  /**
   * On Node, a tighter schedule in node-cron's six fields (seconds first) where waiting for the next
   * minute would be too slow. Workers' cron triggers fire once a minute at most, so there `cron` holds.
   */
  nodeCron?: string;
  run: (deps: Deps) => Promise<unknown>;
}

const EVERY_5_SECONDS = "*/5 * * * * *";

/**
 * The one table of scheduled work, read by node-cron and by the Workers scheduled handler.
 * - inbox-sweep: retries failed callbacks whose back-off passed; re-claims rows whose processor
 *   died once their 20 s lease lapsed; releases hints parked as their team's import finished.
 * - sync-resume: runs queued jobs and resumes jobs whose runner died (its 20 s lease lapsed).
 * - webhook-deliver: sends webhook deliveries whose (back-off) time came, and those a dead
 *   sender had claimed once their lease lapsed.
 * - reconcile: a full sync of every bound team (`RECONCILE_CRON`, default hourly).
 * The first two run every 5 s on Node, so a dead instance's work is taken over within a lease and
 * a period (≤ 25 s); on Workers every minute, the finest a cron trigger fires.
 */
export const schedule: readonly ScheduledWork[] = [
  { name: "inbox-sweep", cron: () => "* * * * *", nodeCron: EVERY_5_SECONDS, run: (deps) => sweepInbox(deps) },
  { name: "sync-resume", cron: () => "* * * * *", nodeCron: EVERY_5_SECONDS, run: (deps) => resumeJobs(deps) },
  { name: "webhook-deliver", cron: () => "* * * * *", nodeCron: EVERY_5_SECONDS, run: (deps) => deliverWebhooks(deps) },
  { name: "reconcile", cron: (deps) => deps.config.reconcileCron, run: (deps) => reconcileAll(deps) },
  {
    name: "housekeeping",
    cron: () => "17 * * * *",
    run: async (deps) => {
      await housekeeping(deps);
      await pruneSessions(deps);
      await pruneWebhookLog(deps);
      await pruneInbox(deps);
    },
  },
];
