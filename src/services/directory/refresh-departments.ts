import { memberIdsInDepartments, mirroredDepartmentIds } from "../../db/queries/directory";
import { observeNow, type Observed } from "../../db/queries/observations";
import { buryKeys } from "../../db/queries/tombstones";
import type { Initiator } from "../../db/schema";
import type { Deps } from "../../deps";
import type { WecomApi } from "../../wecom/api";
import { notAllowed } from "../../wecom/listing-strategy";
import type { WecomUser } from "../../wecom/types";
import { applyDepartmentTree } from "./apply-departments";
import { departmentFields, userKey } from "./mirror-shape";
import { applyListedMember, readMember } from "./member-observation";
import { departmentsInScope } from "./scope";
import { mapLimit } from "./steps";

/**
 * A department callback is a hint too (docs/wecom.md#events-handled): re-list the tree (one call), apply
 * its diff, then re-read the members of every department that appeared, moved or went — a member
 * event may have arrived before its department's (WeCom does not order them, docs/wecom.md#callback-delivery).
 * `named`: departments a member named that the mirror lacked; those this tree leaves out too are
 * buried with its stamp, so that member's next hint does not re-list the tree for them
 * (docs/observations.md#departments-outside-the-mirror). The members re-read here take the tree
 * just applied as current.
 */
export async function refreshDepartments(
  deps: Deps,
  p: { teamId: number; api: WecomApi; scopeDepartmentIds: number[] | null; initiator: Initiator; named?: number[] },
): Promise<void> {
  const observedAt = await observeNow(deps.db);
  const inScope = departmentsInScope(await p.api.listDepartments(), p.scopeDepartmentIds);
  const diff = await deps.db.transaction(async (tx) => {
    const applied = await applyDepartmentTree(tx, {
      teamId: p.teamId,
      seen: inScope.map((d) => ({ id: d.id, ...departmentFields(d) })),
      observedAt,
      now: deps.clock.now(),
      initiator: p.initiator,
    });
    if (p.named && p.named.length > 0) {
      const mirrored = await mirroredDepartmentIds(tx, { teamId: p.teamId, ids: p.named });
      await buryKeys(tx, {
        teamId: p.teamId,
        kind: "department",
        keys: p.named.filter((d) => !mirrored.has(d)).map(String),
        at: observedAt,
      });
    }
    return applied;
  });
  if (diff.upserts.length === 0 && diff.gone.length === 0) return;
  // The members of a department that appeared or moved come with its listing (one user/list call
  // each, stamped before it); a secret that may not call user/list re-reads them one by one.
  const listed = new Map<string, { user: WecomUser; at: Observed }>();
  const userIds = new Set(await memberIdsInDepartments(deps.db, { teamId: p.teamId, departmentIds: diff.gone.map((d) => d.id) }));
  for (const id of diff.createdOrMoved) {
    const at = await observeNow(deps.db);
    const users = await p.api.listUsers(id).catch((err: unknown) => {
      if (notAllowed(err)) return null;
      throw err;
    });
    if (users) for (const user of users) listed.set(userKey(user.userid), { user, at });
    else for (const u of await p.api.listSimpleUsers(id)) userIds.add(u.userid);
  }
  const hint = { teamId: p.teamId, api: p.api, scopeDepartmentIds: p.scopeDepartmentIds, initiator: p.initiator };
  await mapLimit([...listed.values()], 5, (l) => applyListedMember(deps, { ...hint, ...l }));
  const rest = [...userIds].filter((id) => !listed.has(userKey(id)));
  await mapLimit(rest, 5, (userId) => readMember(deps, { ...hint, userId }));
}
