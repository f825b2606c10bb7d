import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { openDb } from "../../src/entry/open-db";
import { createEmulator } from "../../src/emulator";
import { freshDatabase } from "../helpers/test-db";
import { WORKER_BINDING } from "./env";

/**
 * Node side of the worker tests: a fresh PostgreSQL database migrated here (the Worker never
 * migrates), and the WeCom emulator over HTTP for the Worker to call.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const base = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const fresh = await freshDatabase(base);
  const migrated = await openDb({ databaseUrl: fresh.url, dataDir: "" });
  await migrated.close();
  const emulator = createEmulator({ corpId: WORKER_BINDING.corpId, org: { generate: { departments: 6, users: 30, seed: 9 } } });
  const server = await emulator.listen(0, "127.0.0.1");
  project.provide("workerDatabaseUrl", withPassword(fresh.url));
  project.provide("emulatorUrl", server.url);
  return async () => {
    await server.close();
    await untilUnused(base, new URL(fresh.url).pathname.slice(1));
    await fresh.drop();
  };
}

/** Miniflare's Hyperdrive insists on a password in the URL; a server that trusts local connections ignores it. */
function withPassword(url: string): string {
  const u = new URL(url);
  if (!u.password) u.password = "local";
  return u.toString();
}

/**
 * The Worker leaves its connections to the runtime to close (src/entry/worker.ts). Dropping the
 * database under them would reset sockets of Miniflare's Hyperdrive proxy, which has no error
 * handler and takes the test process down; so wait (boundedly) until workerd let them go.
 */
async function untilUnused(base: string, name: string): Promise<void> {
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  try {
    for (let i = 0; i < 100; i++) {
      const [row] = await admin<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where datname = ${name}`;
      if (row?.n === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.end();
  }
}
