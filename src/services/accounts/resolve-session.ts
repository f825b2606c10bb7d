import { deleteSession, findSession, touchSession } from "../../db/queries/sessions";
import type { Deps } from "../../deps";
import { SESSION_TOUCH_MS, sessionTokenHash } from "../../security/session";
import { accountView, type AccountView } from "./account-view";
import type { Caller } from "./caller";

/** The account a session cookie belongs to, or null (no such session, or expired). */
export async function resolveSession(deps: Deps, _caller: Caller, token: string | undefined): Promise<AccountView | null> {
  const tokenHash = sessionTokenHash(token);
  if (!tokenHash) return null;
  const found = await findSession(deps.db, { tokenHash });
  if (!found) return null;
  const now = deps.clock.now();
  if (found.session.expiresAt.getTime() <= now.getTime()) {
    await deleteSession(deps.db, { tokenHash });
    return null;
  }
  // Not on every request: one write per session per few minutes is enough to see activity.
  if (now.getTime() - found.session.lastSeenAt.getTime() >= SESSION_TOUCH_MS) await touchSession(deps.db, { tokenHash, now });
  return accountView(found.account);
}
