// The sync tests' set-up as one vitest fixture (test.extend): a database per file, and per test an
// emptied database, deps over a fresh emulator org and team "acme" bound to it and imported.
import { test } from "vitest";
import type { Db } from "../../src/db/types";
import { apiClient } from "./api";
import { testDeps, type TestDeps } from "./deps";
import { bindAcme, resetDatabase } from "./sync-scenarios";
import { openTestDb } from "./test-db";

export interface SyncSetup {
  /** Options of the test's deps (the emulator's org, a clock, config). */
  deps?: Parameters<typeof testDeps>[1];
  /** Shapes the emulator before "acme" is bound. */
  prepare?: (deps: TestDeps) => Promise<unknown>;
  /** false: "acme" is bound but not imported. */
  sync?: boolean;
}

export interface Acme {
  slug: "acme";
  teamId: number;
  /** The real app over this test's deps. */
  api: ReturnType<typeof apiClient>;
}

/**
 * `db`: PGlite in memory, or a fresh PostgreSQL database under DATABASE_URL, for the whole file.
 * `deps`: the database emptied, deps over a fresh emulator. `acme`: the team bound and imported.
 * A file or describe shapes them with `syncTest.override("setup", { … })`.
 */
export const syncTest = test
  // vitest reads what a fixture needs from the pattern of its first parameter: this one needs nothing.
  // eslint-disable-next-line no-empty-pattern
  .extend("db", { scope: "file" }, async ({}, { onCleanup }): Promise<Db> => {
    const opened = await openTestDb();
    onCleanup(() => opened.close());
    return opened.db;
  })
  .extend("setup", {} as SyncSetup)
  .extend("deps", async ({ db, setup }): Promise<TestDeps> => {
    await resetDatabase(db);
    return testDeps(db, setup.deps);
  })
  .extend("acme", async ({ deps, setup }): Promise<Acme> => {
    const teamId = await bindAcme(deps, setup);
    return { slug: "acme", teamId, api: apiClient(deps) };
  });
