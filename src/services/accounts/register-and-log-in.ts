import { deleteSession, insertSession } from "../../db/queries/sessions";
import type { Deps } from "../../deps";
import { newSessionToken, SESSION_TTL_MS, sessionTokenHash } from "../../security/session";
import { accountView } from "./account-view";
import type { Caller } from "./caller";
import type { LoggedIn } from "./log-in";
import { insertOrRefuse, newAccount } from "./new-account";
import { throttleRegistration } from "./registration-throttle";

/** The register form: the new account and its first session, together or not at all. */
export async function registerAndLogIn(
  deps: Deps,
  _caller: Caller,
  p: { input: unknown; ip?: string | null; replacesToken?: string | undefined },
): Promise<LoggedIn> {
  await throttleRegistration(deps, p.ip);
  const fresh = await newAccount(deps, p.input);
  const token = newSessionToken();
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  const row = await deps.db.transaction(async (tx) => {
    const inserted = await insertOrRefuse(tx, fresh);
    await insertSession(tx, { tokenHash: sessionTokenHash(token)!, accountId: inserted.id, now, expiresAt });
    const previous = sessionTokenHash(p.replacesToken);
    if (previous) await deleteSession(tx, { tokenHash: previous });
    return inserted;
  });
  deps.logger.info("account registered", { accountId: row.id });
  return { account: accountView(row), token, expiresAt };
}
