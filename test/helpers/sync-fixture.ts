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
  /** Shapes the emulator once the deps are made, before "acme" is bound. */
  prepare?: (deps: TestDeps) => Promise<unknown>;
  /** false: "acme" is bound but not imported. */
  sync?: boolean;
}

/** Options of the file's database (a file-scoped fixture: `syncTest.override("dbOptions", { scope: "file" }, { … })`). */
export type DbOptions = NonNullable<Parameters<typeof openTestDb>[0]>;

export interface Acme {
  slug: "acme";
  teamId: number;
  /** The real app over this test's deps. */
  api: ReturnType<typeof apiClient>;
}

/**
 * `db`: PGlite in memory, or a fresh PostgreSQL database under DATABASE_URL, for the whole file.
 * `deps`: the database emptied, deps over a fresh emulator (shaped by `prepare`). `acme`: the team bound and imported.
 * A file or describe shapes them with `syncTest.override("setup", { … })`.
 */
export const syncTest = test
  .extend("dbOptions", { scope: "file" }, {} as DbOptions)
  .extend("db", { scope: "file" }, async ({ dbOptions }, { onCleanup }): Promise<Db> => {
    const opened = await openTestDb(dbOptions);
    onCleanup(() => opened.close());
    return opened.db;
  })
  .extend("setup", {} as SyncSetup)
  .extend("deps", ({ db, setup }) => freshDeps(db, setup))
  .extend("acme", ({ deps, setup }) => acmeOf(deps, setup));

async function freshDeps(db: Db, setup: SyncSetup): Promise<TestDeps> {
  await resetDatabase(db);
  const deps = testDeps(db, setup.deps);
  await setup.prepare?.(deps);
  return deps;
}

async function acmeOf(deps: TestDeps, setup: SyncSetup): Promise<Acme> {
  // The emulator was shaped with the deps (freshDeps).
  return { slug: "acme", teamId: await bindAcme(deps, { sync: setup.sync }), api: apiClient(deps) };
}

/**
 * `deps` and `acme` made at once (as one object), for a file whose tests build on one another: its own file-scoped
 * fixture, e.g. `syncTest.extend("shared", { scope: "file" }, ({ db }) => sharedAcme(db, { … }))`.
 */
export async function sharedAcme(db: Db, setup: SyncSetup = {}): Promise<Acme & { deps: TestDeps }> {
  const deps = await freshDeps(db, setup);
  return { ...(await acmeOf(deps, setup)), deps };
}
