import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../src/db/queries/sql-arrays";
import type { Db } from "../../src/db/types";
import { apiClient } from "../helpers/api";
import { testDeps, type TestDeps } from "../helpers/deps";
import { openTestDb } from "../helpers/test-db";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  opened = await openTestDb();
  deps = testDeps(opened.db);
  api = apiClient(deps);
});
afterAll(async () => opened.close());

/** A database whose every query fails, as one that went away. */
const deadDb = new Proxy({} as Db, {
  get: () => () => Promise.reject(new Error("connection refused")),
});

describe("GET /healthz (liveness)", () => {
  it("answers 200 while the process serves", async () => {
    const res = await api.request("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("answers 200 even when the database does not answer: liveness never touches it", async () => {
    const res = await apiClient({ ...deps, db: deadDb }).request("/healthz");
    expect(res.status).toBe(200);
  });
});

describe("GET /readyz (readiness)", () => {
  it("answers 200 with the migrations applied", async () => {
    const res = await api.request("/readyz");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, migrations: expect.any(Number) as number });
  });

  it("answers 503 database_unavailable when the database does not answer", async () => {
    const res = await apiClient({ ...deps, db: deadDb }).request("/readyz");
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: "database_unavailable" } });
  });

  it("answers 503 migrations_pending naming the migration not applied yet", async () => {
    const found = await opened.db.execute(
      sql`select id, hash, created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`,
    );
    const [row] = rowsOf<{ id: number; hash: string; created_at: string }>(found);
    if (!row) throw new Error("no migration recorded");
    await opened.db.execute(sql`delete from drizzle.__drizzle_migrations where id = ${row.id}`);
    try {
      const res = await api.request("/readyz");
      expect(res.status).toBe(503);
      const body = (await res.json()) as { error: { code: string; pending: string[] } };
      expect(body.error.code).toBe("migrations_pending");
      expect(body.error.pending).toHaveLength(1);
    } finally {
      await opened.db.execute(
        sql`insert into drizzle.__drizzle_migrations (id, hash, created_at) values (${row.id}, ${row.hash}, ${row.created_at})`,
      );
    }
    expect((await api.request("/readyz")).status).toBe(200);
  });

  it("answers 503 shutting_down once the entry says the process is stopping, while /healthz stays 200", async () => {
    let stopping = false;
    const app = apiClient({ ...deps, lifecycle: { stopping: () => stopping } });
    expect((await app.request("/readyz")).status).toBe(200);
    stopping = true;
    const res = await app.request("/readyz");
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: "shutting_down" } });
    expect((await app.request("/healthz")).status).toBe(200);
  });
});
