import type { Deps } from "../deps";
import { processInbox } from "../services/callbacks/process-inbox";

export interface ScheduledWork {
  name: string;
  /** Five-field cron; Workers' cron triggers use the same strings. */
  cron: (deps: Deps) => string;
  run: (deps: Deps) => Promise<unknown>;
}

/**
 * The one table of scheduled work, read by node-cron and by the Workers scheduled handler.
 * The inbox sweep retries failed callbacks whose back-off has passed and picks up rows that a
 * crashed process left behind.
 */
export const schedule: readonly ScheduledWork[] = [
  { name: "inbox-sweep", cron: () => "* * * * *", run: (deps) => processInbox(deps) },
];
