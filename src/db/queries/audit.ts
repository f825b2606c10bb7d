import { and, desc, eq, getTableColumns, lt, sql, type SQL } from "drizzle-orm";
import { observedText } from "./observations";
import { auditLog } from "../schema";
import type { Db } from "../types";
import { arr } from "./sql-arrays";

export type AuditEntry = Omit<typeof auditLog.$inferInsert, "id">;
export type AuditRow = typeof auditLog.$inferSelect;

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

/**
 * Append-only: there is no update or delete query for this table. One statement, a parameter
 * per column: an import appends 100,000 entries.
 */
export async function appendAudit(db: Db, entries: AuditEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 10_000) {
    const e = entries.slice(i, i + 10_000);
    // Times go as text: drizzle hands postgres.js's timestamptz[] values through unserialized.
    await db.execute(sql`
      insert into audit_log (team_id, at, initiator, actor, action, subject_type, subject_id, job_id, before, after, observed_at)
      select u.team_id, u.at::timestamptz, u.initiator, u.actor, u.action, u.subject_type, u.subject_id, u.job_id, u.before, u.after, u.observed_at::timestamptz
      from unnest(${arr(e.map((x) => x.teamId))}::bigint[], ${arr(e.map((x) => x.at.toISOString()))}::text[],
        ${arr(e.map((x) => x.initiator))}::text[], ${arr(e.map((x) => x.actor ?? null))}::text[], ${arr(e.map((x) => x.action))}::text[],
        ${arr(e.map((x) => x.subjectType))}::text[], ${arr(e.map((x) => x.subjectId))}::text[], ${arr(e.map((x) => x.jobId ?? null))}::bigint[],
        ${arr(e.map((x) => json(x.before)))}::jsonb[], ${arr(e.map((x) => json(x.after)))}::jsonb[], ${arr(e.map((x) => x.observedAt ?? null))}::text[])
        as u(team_id, at, initiator, actor, action, subject_type, subject_id, job_id, before, after, observed_at)`);
  }
}

export async function listAudit(
  db: Db,
  p: { teamId: number; limit: number; beforeId?: number; subjectType?: string; subjectId?: string; action?: string },
): Promise<AuditRow[]> {
  const where: SQL[] = [eq(auditLog.teamId, p.teamId)];
  if (p.beforeId !== undefined) where.push(lt(auditLog.id, p.beforeId));
  if (p.subjectType) where.push(eq(auditLog.subjectType, p.subjectType));
  if (p.subjectId) where.push(eq(auditLog.subjectId, p.subjectId));
  if (p.action) where.push(eq(auditLog.action, p.action));
  return db
    .select({ ...getTableColumns(auditLog), observedAt: observedText(sql`${auditLog.observedAt}`) })
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(p.limit) as Promise<AuditRow[]>;
}
