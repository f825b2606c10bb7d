import { appendAudit } from "../../db/queries/audit";
import { deleteDepartments, memberIdsInDepartments, teamDepartments, upsertDepartments } from "../../db/queries/directory";
import type { Initiator } from "../../db/schema";
import type { Deps } from "../../deps";
import type { WecomApi } from "../../wecom/api";
import { diffDepartments, type DepartmentDiff } from "./department-diff";
import { departmentFields } from "./mirror-shape";
import { refreshMember } from "./refresh-member";
import { departmentsInScope } from "./scope";
import { mapLimit } from "./steps";

/**
 * A department callback is a hint too (wecom-reference §10.2): re-list the tree (one call), apply
 * its diff, then re-read the members of every department that appeared, moved or went — a member
 * event may have arrived before its department's (WeCom does not order them, §1.1).
 */
export async function refreshDepartments(deps: Deps, p: { teamId: number; api: WecomApi; scopeDepartmentIds: number[] | null; initiator: Initiator }): Promise<void> {
  const diff = await applyDepartmentTree(deps, p);
  if (!diff) return;
  const userIds = new Set(await memberIdsInDepartments(deps.db, { teamId: p.teamId, departmentIds: diff.gone.map((d) => d.id) }));
  for (const id of diff.createdOrMoved) for (const u of await p.api.listSimpleUsers(id)) userIds.add(u.userid);
  await mapLimit([...userIds], 5, (userId) => refreshMember(deps, { ...p, userId }));
}

/** Re-lists the tree and applies its diff; null when nothing changed. */
async function applyDepartmentTree(
  deps: Deps,
  p: { teamId: number; api: WecomApi; scopeDepartmentIds: number[] | null; initiator: Initiator },
): Promise<DepartmentDiff | null> {
  const inScope = departmentsInScope(await p.api.listDepartments(), p.scopeDepartmentIds);
  const diff = diffDepartments({
    teamId: p.teamId,
    seen: inScope.map((d) => ({ id: d.id, ...departmentFields(d) })),
    mirror: await teamDepartments(deps.db, { teamId: p.teamId }),
    now: deps.clock.now(),
    initiator: p.initiator,
  });
  if (diff.upserts.length === 0 && diff.gone.length === 0) return null;
  await deps.db.transaction(async (tx) => {
    await upsertDepartments(tx, diff.upserts);
    await deleteDepartments(tx, { teamId: p.teamId, ids: diff.gone.map((d) => d.id) });
    await appendAudit(tx, diff.audit);
  });
  return diff;
}
