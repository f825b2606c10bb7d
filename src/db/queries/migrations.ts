import { sql } from "drizzle-orm";
import type { Db } from "../types";
import { rowsOf } from "./sql-arrays";

/**
 * The `created_at` of every migration drizzle recorded as applied (its journal's `when`), or an
 * empty list when its bookkeeping table does not exist yet (a database never migrated).
 */
export async function appliedMigrationTimes(db: Db): Promise<number[]> {
  const exists = await db.execute(sql`select to_regclass('drizzle.__drizzle_migrations')::text as t`);
  if (!rowsOf<{ t: string | null }>(exists)[0]?.t) return [];
  const rows = await db.execute(sql`select created_at from drizzle.__drizzle_migrations`);
  return rowsOf<{ created_at: string | number }>(rows).map((r) => Number(r.created_at));
}
