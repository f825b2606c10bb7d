import postgres from "postgres";
import type { Db } from "../../src/db/types";
import { openDb } from "../../src/entry/open-db";

/**
 * A scratch database `name` on the server of SCRATCH_URL (default postgres://postgres@127.0.0.1:5432),
 * dropped first if a run before left it, with the committed migrations; `drop` closes and drops it.
 */
export async function scratchDb(name: string, poolSize: number): Promise<{ db: Db; url: string; drop: () => Promise<void> }> {
  const server = process.env.SCRATCH_URL ?? "postgres://postgres@127.0.0.1:5432";
  const admin = postgres(`${server}/postgres`, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const url = `${server}/${name}`;
  const opened = await openDb({ databaseUrl: url, dataDir: "", poolSize });
  return {
    db: opened.db,
    url,
    async drop() {
      await opened.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
