import { parkUntilImported, teamHasImported } from "../../db/queries/inbox-waiting";
import { lockMirror } from "../../db/queries/observations";
import type { Deps } from "../../deps";

/**
 * Before a team's first import has finished, a contact hint is parked instead of applied: re-reading
 * members one by one against an empty mirror would cost a user/get each (and the tree's every
 * member), from the budget the import needs. The import's done step releases them to be applied
 * after it, where they carry what changed while it ran (docs/observations.md). Under the mirror lock,
 * so a hint is either parked before the done step releases the team's hints, or sees the import done.
 */
export async function parkedUntilImported(deps: Deps, p: { teamId: number; inboxId: number }): Promise<boolean> {
  if (await teamHasImported(deps.db, p)) return false;
  return deps.db.transaction(async (tx) => {
    await lockMirror(tx, { teamId: p.teamId });
    if (await teamHasImported(tx, p)) return false;
    await parkUntilImported(tx, p);
    return true;
  });
}
