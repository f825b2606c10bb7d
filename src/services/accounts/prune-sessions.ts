import { pruneExpiredSessions, pruneLoginAttempts } from "../../db/queries/sessions";
import type { Deps } from "../../deps";
import { LOGIN_WINDOW_MS } from "./login-throttle";

/**
 * Hourly: expired sessions of accounts that never log in again, and throttle windows that have
 * passed (a login prunes only its own account's sessions).
 */
export async function pruneSessions(deps: Deps): Promise<void> {
  const now = deps.clock.now();
  await pruneExpiredSessions(deps.db, { now });
  await pruneLoginAttempts(deps.db, { before: new Date(now.getTime() - LOGIN_WINDOW_MS) });
}
