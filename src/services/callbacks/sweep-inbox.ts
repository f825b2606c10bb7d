import { releaseStrandedHints } from "../../db/queries/inbox-waiting";
import type { Deps } from "../../deps";
import { drainInbox } from "./process-inbox";

/**
 * The scheduled pass over the inbox: hints parked just as their team's import finished are
 * released (docs/observations.md#hints-before-the-first-import), then every due row is handled.
 */
export async function sweepInbox(deps: Deps): Promise<void> {
  await releaseStrandedHints(deps.db, { now: deps.clock.now() });
  await drainInbox(deps);
}
