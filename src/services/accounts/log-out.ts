import { deleteSession } from "../../db/queries/sessions";
import type { Deps } from "../../deps";
import { sessionTokenHash } from "../../security/session";
import type { Caller } from "./caller";

/** Ends the session of this token (if any): the row goes, so the cookie opens nothing any more. */
export async function logOut(deps: Deps, _caller: Caller, token: string | undefined): Promise<void> {
  const tokenHash = sessionTokenHash(token);
  if (tokenHash) await deleteSession(deps.db, { tokenHash });
}
