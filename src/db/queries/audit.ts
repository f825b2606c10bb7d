import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import { auditLog } from "../schema";
import type { Db } from "../types";

export type AuditEntry = Omit<typeof auditLog.$inferInsert, "id">;
export type AuditRow = typeof auditLog.$inferSelect;

/** Append-only: there is no update or delete query for this table. */
export async function appendAudit(db: Db, entries: AuditEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 1000) await db.insert(auditLog).values(entries.slice(i, i + 1000));
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
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(p.limit);
}
