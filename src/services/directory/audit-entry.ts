import type { AuditEntry } from "../../db/queries/audit";
import type { Initiator } from "../../db/schema";

/** One audit row for a change made by a job (docs/sync.md#audit: who, what, before/after, initiator, job). */
export function auditEntry(p: {
  teamId: number;
  at: Date;
  initiator: Initiator;
  actor?: string | null;
  jobId?: number | null;
  action: string;
  subjectType: "member" | "department" | "job" | "policy" | "webhook";
  subjectId: string | number;
  before?: unknown;
  after?: unknown;
  /** The WeCom observation the change comes from (docs/observations.md). */
  observedAt?: string | null;
}): AuditEntry {
  return {
    teamId: p.teamId,
    at: p.at,
    initiator: p.initiator,
    actor: p.actor ?? null,
    jobId: p.jobId ?? null,
    action: p.action,
    subjectType: p.subjectType,
    subjectId: String(p.subjectId),
    before: p.before ?? null,
    after: p.after ?? null,
    observedAt: p.observedAt ?? null,
  };
}
