import { eq, sql } from "drizzle-orm";
import { wecomBindings } from "../schema";
import type { Db } from "../types";
import type { BindingRow } from "./teams";

export type BindingValues = Omit<BindingRow, "version" | "createdAt" | "updatedAt">;

/** Re-binding replaces the credentials and bumps the version (caches key on it). */
export async function upsertBinding(db: Db, p: BindingValues & { now: Date }): Promise<BindingRow> {
  const { now, ...values } = p;
  const rows = await db
    .insert(wecomBindings)
    .values({ ...values, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: wecomBindings.teamId,
      set: {
        corpId: values.corpId,
        agentId: values.agentId,
        secretSealed: values.secretSealed,
        tokenSealed: values.tokenSealed,
        aesKeySealed: values.aesKeySealed,
        adminUserIds: values.adminUserIds,
        scopeDepartmentIds: values.scopeDepartmentIds,
        version: sql`${wecomBindings.version} + 1`,
        updatedAt: now,
      },
    })
    .returning();
  const row = rows[0];
  if (!row) throw new Error("upsert returned no row");
  return row;
}

/**
 * Only the bot's admin list: the credentials and the version stay (callback keys are cached by
 * version, and the list is read fresh for every command). Null when the team is not bound.
 */
export async function setBindingAdmins(db: Db, p: { teamId: number; adminUserIds: string[]; now: Date }): Promise<BindingRow | null> {
  const rows = await db
    .update(wecomBindings)
    .set({ adminUserIds: p.adminUserIds, updatedAt: p.now })
    .where(eq(wecomBindings.teamId, p.teamId))
    .returning();
  return rows[0] ?? null;
}

export async function findBindingByTeamId(db: Db, p: { teamId: number }): Promise<BindingRow | null> {
  const rows = await db.select().from(wecomBindings).where(eq(wecomBindings.teamId, p.teamId)).limit(1);
  return rows[0] ?? null;
}

export async function boundTeamIds(db: Db): Promise<number[]> {
  const rows = await db.select({ teamId: wecomBindings.teamId }).from(wecomBindings).orderBy(wecomBindings.teamId);
  return rows.map((r) => r.teamId);
}
