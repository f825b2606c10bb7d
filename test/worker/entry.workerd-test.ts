import { describe, expect, it } from "vitest";
import { api, call } from "./worker-client";

describe("src/entry/worker.ts fetch", () => {
  it("serves the app over Hyperdrive: /readyz answers 200 from the migrated database", async () => {
    const res = await call("/readyz");
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ ok: true });
  });

  it("answers 500 JSON naming every wrong binding and var, without touching the database", async () => {
    const res = await call("/healthz", {}, { HYPERDRIVE: undefined, APP_SECRET: "short", RECONCILE_CRON: "hourly", JOB_BUDGET_MS: "-1" });
    expect(res.status).toBe(500);
    const body = res.json<{ error: { code: string; message: string; problems: string[] } }>();
    expect(body.error.code).toBe("internal");
    expect(body.error.problems).toHaveLength(4);
    for (const name of ["HYPERDRIVE", "APP_SECRET", "RECONCILE_CRON", "JOB_BUDGET_MS"]) expect(body.error.message).toContain(name);
    expect(body.error.message).not.toContain("short");
  });

  it("refuses minute 99 in RECONCILE_CRON with node-cron's own check, as on Node", async () => {
    const res = await call("/healthz", {}, { RECONCILE_CRON: "99 * * * *" });
    expect(res.status).toBe(500);
    expect(res.json<{ error: { problems: string[] } }>().error.problems).toEqual([
      expect.stringContaining('RECONCILE_CRON 不是有效的 cron 表达式 / is not a cron expression (got "99 * * * *")'),
    ]);
  });

  it("serves the OpenAPI description and validates request bodies with the same schemas in workerd", async () => {
    const doc = await call("/api/openapi.json");
    expect(doc.status).toBe(200);
    const description = doc.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(description.openapi).toBe("3.1.0");
    expect(Object.keys(description.paths)).toContain("/api/teams/{slug}/authorize");
    const bad = await api("POST", "/api/teams", { slug: "Bad Slug!" });
    expect(bad.status).toBe(422);
    expect(bad.json<{ error: { fields: { field: string }[] } }>().error.fields.map((f) => f.field)).toEqual(["slug", "name"]);
  });

  it("refuses a DATABASE_URL var: on Workers the database is the Hyperdrive binding", async () => {
    const res = await call("/healthz", {}, { DATABASE_URL: "postgres://elsewhere/db" });
    expect(res.status).toBe(500);
    expect(res.json<{ error: { problems: string[] } }>().error.problems).toEqual([expect.stringContaining("DATABASE_URL")]);
  });

  it("answers the app's own JSON errors as on Node", async () => {
    const res = await call("/api/teams/nope/wecom", { headers: { authorization: "Bearer wrong-token-0000000000" } });
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: "unauthorized" } });
  });
});
