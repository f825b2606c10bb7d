import { openDb } from "./open-db";

/**
 * `npm run db:migrate`: applies drizzle/ to DATABASE_URL and exits. The Node entry migrates at
 * start-up; a Worker never does (no file system, and not once per request), so a Workers
 * deployment runs this against the database behind Hyperdrive before each deploy.
 */
async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL?.trim();
  if (!databaseUrl || !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    console.error("DATABASE_URL 必须是 postgres:// 地址 / DATABASE_URL must be a postgres:// URL");
    process.exit(1);
  }
  const opened = await openDb({ databaseUrl, dataDir: "", poolSize: 1 });
  await opened.close();
  console.log("迁移完成 / migrations applied");
}

await main();
