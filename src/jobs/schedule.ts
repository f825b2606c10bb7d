import type { Deps } from "../deps";
import { pruneSessions } from "../services/accounts/prune-sessions";
import { processInbox } from "../services/callbacks/process-inbox";
import { housekeeping, reconcileAll, resumeJobs } from "../services/directory/scheduled";

export interface ScheduledWork {
  name: string;
  /** Five-field cron; Workers' cron triggers use the same strings. */
  cron: (deps: Deps) => string;
  run: (deps: Deps) => Promise<unknown>;
}

/**
 * The one table of scheduled work, read by node-cron and by the Workers scheduled handler.
 * - inbox-sweep: retries failed callbacks whose back-off passed; picks up rows a crash left.
 * - sync-resume: runs queued jobs and resumes jobs whose runner died.
 * - reconcile: a full sync of every bound team (`RECONCILE_CRON`, default hourly).
 */
export const schedule: readonly ScheduledWork[] = [
  { name: "inbox-sweep", cron: () => "* * * * *", run: (deps) => processInbox(deps) },
  { name: "sync-resume", cron: () => "* * * * *", run: (deps) => resumeJobs(deps) },
  { name: "reconcile", cron: (deps) => deps.config.reconcileCron, run: (deps) => reconcileAll(deps) },
  {
    name: "housekeeping",
    cron: () => "17 * * * *",
    run: async (deps) => {
      await housekeeping(deps);
      await pruneSessions(deps);
    },
  },
];
