import { listAudit } from "../../db/queries/audit";
import type { Deps } from "../../deps";
import { AppError, type FieldProblem } from "../../errors";
import { queryId, queryLimit } from "../paging";
import type { Actor } from "../actor";
import { teamFor } from "./team-lookup";

export interface AuditQuery {
  before?: string;
  limit?: string;
  subjectType?: string;
  subjectId?: string;
  action?: string;
}

/** Newest first; `nextCursor` pages back in time. */
export async function readAudit(deps: Deps, actor: Actor, slug: string, q: AuditQuery) {
  const { team } = await teamFor(deps.db, actor, slug, "team.read");
  const problems: FieldProblem[] = [];
  const limit = queryLimit(q.limit, problems, 100, 1000);
  const beforeId = queryId(q.before, "before", problems);
  if (problems.length > 0) throw new AppError("validation_failed", "查询参数有误 / Invalid query parameters", problems);
  const rows = await listAudit(deps.db, { teamId: team.id, limit, beforeId, subjectType: q.subjectType, subjectId: q.subjectId, action: q.action });
  return {
    items: rows.map((r) => ({ id: r.id, at: r.at.toISOString(), initiator: r.initiator, actor: r.actor, action: r.action, subjectType: r.subjectType, subjectId: r.subjectId, jobId: r.jobId, before: r.before, after: r.after, observedAt: r.observedAt })),
    nextCursor: rows.length === limit ? String(rows[rows.length - 1]!.id) : null,
  };
}
