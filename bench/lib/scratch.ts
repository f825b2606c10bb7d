import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";

export const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";

export interface ScratchRun {
  adminUrl: string;
  /** A database of this run's own (created by the caller with `admin`), dropped at cleanup. */
  dbName: string;
  dbUrl: URL;
  /** Server logs; kept when the run failed. */
  logDir: string;
  admin: postgres.Sql;
  readonly ok: boolean;
  fail(): void;
  /** Prints the failures found (if any) and marks the run failed; keeps the server logs. */
  report(failures: string[]): void;
  /** The run broke: prints the error and keeps the server logs. */
  crashed(err: unknown): void;
  /** Stops what `stop` stops, drops the database, closes `admin`; once. Also on Ctrl-C/SIGTERM. */
  cleanup(): Promise<void>;
  /**
   * Runs a benchmark's body: the failures it answers are reported, a throw as a crash; then
   * cleans up. Answers whether the run was clean.
   */
  execute(body: () => Promise<string[]>): Promise<boolean>;
}

/** The scaffolding every benchmark shares: a scratch database, a log folder, clean-up on any exit. */
export function scratchRun(stop: () => Promise<void>): ScratchRun {
  const adminUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const dbName = `wr_bench_${randomBytes(6).toString("hex")}`;
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  const logDir = mkdtempSync(join(tmpdir(), "wr-bench-"));
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  let ok = true;
  let cleaning: Promise<void> | undefined;
  const interrupted = (signal: NodeJS.Signals) => {
    ok = false;
    console.error(`\n${signal}: cleaning up (server logs kept in ${logDir})`);
    run.cleanup().then(
      () => process.exit(130),
      (err: unknown) => {
        console.error(err);
        process.exit(130);
      },
    );
  };
  const run: ScratchRun = {
    adminUrl,
    dbName,
    dbUrl,
    logDir,
    admin,
    get ok() {
      return ok;
    },
    fail() {
      ok = false;
    },
    report(failures) {
      if (failures.length === 0) return;
      ok = false;
      console.log("");
      for (const f of failures) console.log(`FAILED ${f}`);
      console.log(`Server logs kept in ${logDir}`);
    },
    crashed(err) {
      ok = false;
      console.error(err);
      console.error(`Server logs kept in ${logDir}`);
    },
    cleanup: () =>
      (cleaning ??= (async () => {
        process.off("SIGINT", interrupted);
        process.off("SIGTERM", interrupted);
        await stop();
        try {
          await admin.unsafe(`drop database if exists ${dbName} with (force)`);
        } catch (err) {
          ok = false;
          console.error(`Could not drop the scratch database ${dbName}:`, err);
        }
        await admin.end();
        if (ok && !process.env.BENCH_KEEP_LOGS) rmSync(logDir, { recursive: true, force: true });
        else if (ok) console.log(`Server logs kept in ${logDir}`);
      })()),
    async execute(body) {
      try {
        run.report(await body());
      } catch (err) {
        run.crashed(err);
      } finally {
        await run.cleanup();
      }
      return ok;
    },
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  return run;
}
