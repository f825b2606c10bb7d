import { memberIdsInDepartments } from "../../db/queries/directory";
import { observeNow, type Observed } from "../../db/queries/observations";
import type { Initiator } from "../../db/schema";
import type { Deps } from "../../deps";
import type { WecomApi } from "../../wecom/api";
import { notAllowed } from "../../wecom/listing-strategy";
import type { WecomUser } from "../../wecom/types";
import { applyDepartmentTree } from "./apply-departments";
import { departmentFields, userKey } from "./mirror-shape";
import { applyListedMember, refreshMember } from "./refresh-member";
import { departmentsInScope } from "./scope";
import { mapLimit } from "./steps";

/**
 * A department callback is a hint too (docs/wecom.md#events-handled): re-list the tree (one call), apply
 * its diff, then re-read the members of every department that appeared, moved or went — a member
 * event may have arrived before its department's (WeCom does not order them, docs/wecom.md#callback-delivery).
 */
export async function refreshDepartments(deps: Deps, p: { teamId: number; api: WecomApi; scopeDepartmentIds: number[] | null; initiator: Initiator }): Promise<void> {
  const observedAt = await observeNow(deps.db);
  const inScope = departmentsInScope(await p.api.listDepartments(), p.scopeDepartmentIds);
  const diff = await deps.db.transaction((tx) =>
    applyDepartmentTree(tx, {
      teamId: p.teamId,
      seen: inScope.map((d) => ({ id: d.id, ...departmentFields(d) })),
      observedAt,
      now: deps.clock.now(),
      initiator: p.initiator,
    }),
  );
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
  await mapLimit([...listed.values()], 5, (l) => applyListedMember(deps, { ...p, ...l }));
  const rest = [...userIds].filter((id) => !listed.has(userKey(id)));
  await mapLimit(rest, 5, (userId) => refreshMember(deps, { ...p, userId }));
}
