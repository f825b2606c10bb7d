import journal from "../../../drizzle/meta/_journal.json";
import { appliedMigrationTimes } from "../../db/queries/migrations";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";

/**
 * The migrations this build expects, bundled with the code (a Worker has no file system): drizzle
 * records each applied one under its journal `when`, so a `when` missing from the database is a
 * migration not applied yet.
 */
const EXPECTED: readonly { tag: string; when: number }[] = journal.entries.map((e) => ({ tag: e.tag, when: e.when }));

/**
 * Ready to take traffic: not shutting down, the database answers, and every migration of this
 * build is applied (an instance deployed ahead of `npm run db:migrate` stays out of rotation).
 */
export async function checkReadiness(deps: Deps): Promise<{ migrations: number }> {
  if (deps.lifecycle?.stopping()) throw new AppError("shutting_down", "服务正在停止 / The service is shutting down");
  let applied: number[];
  try {
    applied = await appliedMigrationTimes(deps.db);
  } catch (err) {
    deps.logger.error("readiness: database not answering", { error: err });
    throw new AppError("database_unavailable", "数据库无响应 / Database not answering");
  }
  const done = new Set(applied);
  const pending = EXPECTED.filter((m) => !done.has(m.when)).map((m) => m.tag);
  if (pending.length > 0) {
    throw new AppError("migrations_pending", `数据库迁移未完成 / Migrations not applied: ${pending.join(", ")}`, undefined, { pending });
  }
  return { migrations: EXPECTED.length };
}
