import { listAudit } from "../../db/queries/audit";
import { findTeamBySlug } from "../../db/queries/teams";
import type { Deps } from "../../deps";
import { AppError, teamNotFound } from "../../errors";
import type { Actor } from "../actor";

export interface AuditQuery {
  before?: string;
  limit?: string;
  subjectType?: string;
  subjectId?: string;
  action?: string;
}

/** Newest first; `nextCursor` pages back in time. */
export async function readAudit(deps: Deps, _actor: Actor, slug: string, q: AuditQuery) {
  const team = await findTeamBySlug(deps.db, { slug });
  if (!team) throw teamNotFound(slug);
  const limit = q.limit ? Number(q.limit) : 100;
  const beforeId = q.before ? Number(q.before) : undefined;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000 || (beforeId !== undefined && !Number.isSafeInteger(beforeId))) {
    throw new AppError("validation_failed", "查询参数有误 / Invalid query parameters", [{ field: "limit", message: "1–1000" }]);
  }
  const rows = await listAudit(deps.db, { teamId: team.id, limit, beforeId, subjectType: q.subjectType, subjectId: q.subjectId, action: q.action });
  return {
    items: rows.map((r) => ({ id: r.id, at: r.at.toISOString(), initiator: r.initiator, actor: r.actor, action: r.action, subjectType: r.subjectType, subjectId: r.subjectId, jobId: r.jobId, before: r.before, after: r.after, observedAt: r.observedAt })),
    nextCursor: rows.length === limit ? String(rows[rows.length - 1]!.id) : null,
  };
}
