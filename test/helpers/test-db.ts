import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openDb, type OpenedDb } from "../../src/entry/open-db";

/** An empty PostgreSQL database of the caller's own on the server of DATABASE_URL. */
export async function freshDatabase(base: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `wr_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const cleanup = postgres(base, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/**
 * A database of the test's own: a fresh PostgreSQL database when DATABASE_URL is set (CI), else
 * an in-memory PGlite. Both get the committed migrations from drizzle/.
 */
export async function openTestDb(opts: { poolSize?: number } = {}): Promise<OpenedDb> {
  const base = process.env.DATABASE_URL;
  if (!base) return openDb({ dataDir: ":memory:" });
  const fresh = await freshDatabase(base);
  const opened = await openDb({ databaseUrl: fresh.url, dataDir: "", poolSize: opts.poolSize ?? 5 });
  return {
    ...opened,
    async close() {
      await opened.close();
      await fresh.drop();
    },
  };
}
