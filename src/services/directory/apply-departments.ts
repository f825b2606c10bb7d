import { appendAudit } from "../../db/queries/audit";
import { deleteDepartments, departmentsAsOf, upsertDepartments } from "../../db/queries/directory";
import { lockMirror, type Observed } from "../../db/queries/observations";
import { buriedSince, buryKeys, unburyKeys } from "../../db/queries/tombstones";
import type { Initiator } from "../../db/schema";
import type { Db } from "../../db/types";
import { diffDepartments, WHOLE_TREE, type DepartmentDiff } from "./department-diff";
import type { DepartmentFields } from "./mirror-shape";

/**
 * Writes a department tree read from WeCom at `observedAt` into the mirror, in the caller's
 * transaction: under the team's mirror lock, against the mirror as it is now, so a department a
 * callback re-read later is neither overwritten nor deleted, and one deleted later is not brought
 * back (docs/observations.md). Used by the sync's apply step and by department callbacks alike.
 */
export async function applyDepartmentTree(
  tx: Db,
  p: {
    teamId: number;
    seen: (DepartmentFields & { id: number })[];
    observedAt: Observed;
    keepMissing?: boolean;
    now: Date;
    initiator: Initiator;
    jobId?: number;
  },
): Promise<DepartmentDiff> {
  await lockMirror(tx, { teamId: p.teamId });
  const diff = diffDepartments({
    ...p,
    mirror: await departmentsAsOf(tx, { teamId: p.teamId, at: p.observedAt }),
    buried: await buriedSince(tx, { teamId: p.teamId, kind: "department", at: p.observedAt }),
  });
  const gone = diff.gone.map((d) => d.id);
  await upsertDepartments(tx, diff.upserts);
  await deleteDepartments(tx, { teamId: p.teamId, ids: gone });
  // A complete tree also says which departments did not exist at its time: none of them comes back from an older one.
  const complete = p.seen.length > 0 && !p.keepMissing;
  await buryKeys(tx, {
    teamId: p.teamId,
    kind: "department",
    keys: [...gone.map(String), ...(complete ? [WHOLE_TREE] : [])],
    at: p.observedAt,
  });
  await unburyKeys(tx, { teamId: p.teamId, kind: "department", keys: diff.upserts.map((d) => String(d.id)) });
  await appendAudit(tx, diff.audit);
  return diff;
}
