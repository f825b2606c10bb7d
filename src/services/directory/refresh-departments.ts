import { memberIdsInDepartments } from "../../db/queries/directory";
import { observeNow } from "../../db/queries/observations";
import type { Initiator } from "../../db/schema";
import type { Deps } from "../../deps";
import type { WecomApi } from "../../wecom/api";
import { applyDepartmentTree } from "./apply-departments";
import { departmentFields } from "./mirror-shape";
import { refreshMember } from "./refresh-member";
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
  const userIds = new Set(await memberIdsInDepartments(deps.db, { teamId: p.teamId, departmentIds: diff.gone.map((d) => d.id) }));
  for (const id of diff.createdOrMoved) for (const u of await p.api.listSimpleUsers(id)) userIds.add(u.userid);
  await mapLimit([...userIds], 5, (userId) => refreshMember(deps, { ...p, userId }));
}
