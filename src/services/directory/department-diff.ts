import type { AuditEntry } from "../../db/queries/audit";
import type { DepartmentRow, NewDepartment } from "../../db/queries/directory";
import type { Initiator, JobCounts } from "../../db/schema";
import { auditEntry } from "./audit-entry";
import { departmentFields, departmentHash, type DepartmentFields } from "./mirror-shape";
import type { Observed } from "../../db/queries/observations";

/** The tombstone key of a whole department tree read: every department it did not list was gone at its time. */
export const WHOLE_TREE = "*";

export interface DepartmentDiff {
  upserts: NewDepartment[];
  gone: DepartmentRow[];
  audit: AuditEntry[];
  /** Departments created, or moved under another parent. */
  createdOrMoved: number[];
  counts: JobCounts["departments"];
}

/**
 * WeCom's departments, as read at `observedAt`, against the mirror: unchanged ones (same content
 * hash) are not written at all; nor is a department the mirror holds from a later observation, nor
 * one deleted (`buried`) since (docs/observations.md: a later observation always wins). An empty
 * listing deletes nothing (docs/sync.md#brakes).
 */
export function diffDepartments(p: {
  teamId: number;
  seen: (DepartmentFields & { id: number })[];
  /** The mirror, each row marked `newer` when it holds an observation from `observedAt` or later. */
  mirror: (DepartmentRow & { newer?: boolean })[];
  /** Departments deleted at `observedAt` or later; WHOLE_TREE: a whole tree was read since, so any department it lacked is gone. */
  buried?: Set<string>;
  observedAt: Observed;
  /** Keep departments missing from `seen` (an untrusted listing). */
  keepMissing?: boolean;
  now: Date;
  initiator: Initiator;
  jobId?: number;
}): DepartmentDiff {
  const mirror = new Map(p.mirror.map((d) => [d.id, d]));
  const out: DepartmentDiff = {
    upserts: [],
    gone: [],
    audit: [],
    createdOrMoved: [],
    counts: { created: 0, updated: 0, moved: 0, deleted: 0 },
  };
  const entry = (action: string, id: number, before: unknown, after: unknown) =>
    out.audit.push(
      auditEntry({
        teamId: p.teamId,
        at: p.now,
        initiator: p.initiator,
        jobId: p.jobId ?? null,
        action,
        subjectType: "department",
        subjectId: id,
        before,
        after,
        observedAt: p.observedAt,
      }),
    );
  for (const d of p.seen) {
    const after = departmentFields(d);
    const hash = departmentHash(after);
    const had = mirror.get(d.id);
    mirror.delete(d.id);
    if (had?.newer || had?.contentHash === hash || (!had && (p.buried?.has(String(d.id)) || p.buried?.has(WHOLE_TREE)))) continue;
    out.upserts.push({ teamId: p.teamId, id: d.id, ...after, contentHash: hash, observedAt: p.observedAt, updatedAt: p.now });
    if (!had) {
      out.counts.created++;
      out.createdOrMoved.push(d.id);
      entry("department.created", d.id, null, after);
    } else {
      const moved = had.parentId !== d.parentId;
      out.counts[moved ? "moved" : "updated"]++;
      if (moved) out.createdOrMoved.push(d.id);
      entry(moved ? "department.moved" : "department.updated", d.id, departmentFields(had), after);
    }
  }
  if (p.seen.length > 0 && !p.keepMissing) {
    for (const d of mirror.values()) {
      if (d.newer) continue;
      out.gone.push(d);
      out.counts.deleted++;
      entry("department.deleted", d.id, departmentFields(d), null);
    }
  }
  return out;
}
