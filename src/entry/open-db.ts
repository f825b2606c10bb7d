import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "../db/schema";
import type { Db } from "../db/types";

/**
 * drizzle/ at the package root. Found by walking up from this module, not by a fixed "../../drizzle":
 * the same code runs from src/entry/ (tsx, tests) and bundled into dist/node.js (`npm start`),
 * which sit at different depths. Looked up when a database is opened, not at import time.
 */
export function findMigrationsFolder(from: string = import.meta.url): string {
  const start = dirname(fileURLToPath(from));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, "drizzle");
    if (existsSync(join(candidate, "meta", "_journal.json"))) return candidate;
    if (dirname(dir) === dir) throw new Error(`找不到迁移目录 drizzle/ / No drizzle/ migrations folder at or above ${start}`);
  }
}

export interface OpenedDb {
  db: Db;
  kind: "postgres" | "pglite";
  close(): Promise<void>;
}

/** Any fixed number: instances starting together take turns migrating. */
const MIGRATION_LOCK = 727_274_001;

/** `DATABASE_URL` → PostgreSQL; otherwise PGlite in `dataDir` (":memory:" for a throwaway one). */
export async function openDb(opts: { databaseUrl?: string; dataDir: string; poolSize?: number }): Promise<OpenedDb> {
  const migrationsFolder = findMigrationsFolder();
  if (opts.databaseUrl) {
    const lockClient = postgres(opts.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await lockClient`select pg_advisory_lock(${MIGRATION_LOCK})`;
      await migratePostgres(drizzlePostgres(lockClient), { migrationsFolder });
      await lockClient`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    } finally {
      await lockClient.end();
    }
    const client = postgres(opts.databaseUrl, { max: opts.poolSize ?? 10, onnotice: () => {} });
    return { db: drizzlePostgres(client, { schema }), kind: "postgres", close: () => client.end({ timeout: 5 }) };
  }
  const memory = opts.dataDir === ":memory:";
  if (!memory) mkdirSync(opts.dataDir, { recursive: true });
  const client = memory ? new PGlite() : new PGlite(opts.dataDir);
  const db = drizzlePglite(client, { schema });
  await migratePglite(db, { migrationsFolder });
  return { db, kind: "pglite", close: () => client.close() };
}
