import { listAudit } from "../../db/queries/audit";
import type { Deps } from "../../deps";
import { z } from "zod";
import { pageNumber, QUERY_PROBLEM, queryId, queryLimit } from "../paging";
import { parseInput } from "../validate";
import type { Actor } from "../actor";
import { nameActors } from "./audit-actors";
import { teamFor } from "./team-lookup";

/** `GET …/audit` query string. */
export const AuditQuery = z.object({
  before: queryId(),
  limit: queryLimit(1000),
  subjectType: z.string().optional(),
  subjectId: z.string().optional(),
  action: z.string().optional(),
});

/** Newest first; `nextCursor` pages back in time; `actorName` names the account or WeCom user who acted. */
export async function readAudit(deps: Deps, actor: Actor, slug: string, query: Record<string, string | undefined>) {
  const { team } = await teamFor(deps.db, actor, slug, "team.read");
  const q = parseInput(AuditQuery, query, { message: QUERY_PROBLEM });
  const limit = pageNumber(q.limit, 100);
  const beforeId = pageNumber(q.before);
  const rows = await listAudit(deps.db, {
    teamId: team.id,
    limit,
    beforeId,
    subjectType: q.subjectType,
    subjectId: q.subjectId,
    action: q.action,
  });
  const names = await nameActors(
    deps.db,
    team.id,
    rows.map((r) => r.actor),
  );
  return {
    items: rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      initiator: r.initiator,
      actor: r.actor,
      actorName: (r.actor ? names.get(r.actor) : undefined) ?? null,
      action: r.action,
      subjectType: r.subjectType,
      subjectId: r.subjectId,
      jobId: r.jobId,
      before: r.before,
      after: r.after,
      observedAt: r.observedAt,
    })),
    nextCursor: rows.length === limit ? String(rows[rows.length - 1]!.id) : null,
  };
}
