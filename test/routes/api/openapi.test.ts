import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_STATUS } from "../../../src/errors";
import { apiClient, OPERATOR } from "../../helpers/api";
import { TEST_ENV, testDeps, type TestDeps } from "../../helpers/deps";
import { openTestDb } from "../../helpers/test-db";

type Operation = {
  summary?: string;
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, { pattern?: string }>; required?: string[] } }> };
  responses: Record<
    string,
    { content?: Record<string, { schema: { allOf: [unknown, { properties: { error: { properties: { code: { enum: string[] } } } } }] } }> }
  >;
};
type Description = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
let api: ReturnType<typeof apiClient>;
let doc: Description;
let text: string;

beforeAll(async () => {
  opened = await openTestDb();
  deps = testDeps(opened.db);
  api = apiClient(deps);
  const res = await api.request("/api/openapi.json");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("application/json");
  text = await res.text();
  doc = JSON.parse(text) as Description;
});
afterAll(async () => opened.close());

/** The codes a response of `op` at `status` says it may carry. */
const codesAt = (op: Operation, status: number) =>
  op.responses[String(status)]?.content?.["application/json"]?.schema.allOf[1].properties.error.properties.code.enum ?? [];

describe("GET /api/openapi.json", () => {
  it("is an OpenAPI 3.1 description that passes an independent validator", async () => {
    expect(doc.openapi).toBe("3.1.0");
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it("describes every route the app registers under /api, and nothing else there", () => {
    const registered = new Set(
      api.app.routes.filter((r) => r.path.startsWith("/api") && r.method !== "ALL").map((r) => `${r.method} ${r.path}`),
    );
    const described = new Set(
      Object.entries(doc.paths)
        .filter(([path]) => path.startsWith("/api"))
        .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`)),
    );
    expect(registered.size).toBeGreaterThan(30);
    expect([...described].sort()).toEqual([...registered].sort());
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) expect(op.summary, `${method} ${path}`).toBeTruthy();
  });

  it("takes request bodies from the schemas the verbs validate with, and lists the error codes with the error shape", async () => {
    const create = doc.paths["/api/teams"]!.post!;
    const body = create.requestBody!.content["application/json"]!.schema;
    expect(body.required).toEqual(["slug", "name"]);
    expect(body.properties!.slug!.pattern).toBe("^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$");
    expect(codesAt(create, 422)).toEqual(["validation_failed"]);
    expect(codesAt(create, 409)).toEqual(["team_exists"]);
    expect(codesAt(create, 401)).toEqual(["unauthorized"]);
    expect(codesAt(doc.paths["/api/teams/{slug}/wecom"]!.put!, 422).sort()).toEqual(["validation_failed", "wecom_rejected"]);
    const members = doc.paths["/api/teams/{slug}/members"]!.get! as Operation & {
      parameters: { name: string; in: string; required: boolean }[];
    };
    expect(members.parameters.filter((p) => p.in === "query").map((p) => [p.name, p.required])).toEqual([
      ["status", false],
      ["q", false],
      ["department", false],
      ["limit", false],
      ["cursor", false],
    ]);
    expect(doc.components.schemas.Error).toMatchObject({
      properties: {
        error: { properties: { code: { enum: Object.keys(ERROR_STATUS) }, fields: { type: "array" } }, required: ["code", "message"] },
      },
    });

    // What the app answers is what the description says: a bad body is one of the 422's codes, with `fields`.
    const res = await api.json("POST", "/api/teams", { slug: "Bad Slug!", name: "" });
    expect(res.status).toBe(422);
    const error = ((await res.json()) as { error: { code: string; fields: { field: string }[] } }).error;
    expect(codesAt(create, 422)).toContain(error.code);
    expect(error.fields.map((f) => f.field).sort()).toEqual(["name", "slug"]);
  });

  it("answers other methods with the JSON not_found", async () => {
    const res = await api.request("/api/openapi.json", { method: "POST", headers: OPERATOR });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("needs no credentials and carries no secret or setting: the team API it describes still refuses strangers", async () => {
    for (const value of [TEST_ENV.ADMIN_TOKEN, TEST_ENV.APP_SECRET, TEST_ENV.PUBLIC_URL]) expect(text).not.toContain(value);
    expect(doc.paths["/api/teams/{slug}/policy"]!.get!.security).toEqual([{ adminToken: [] }, { session: [] }]);
    expect((await api.request("/api/teams/acme/policy")).status).toBe(401);
  });
});
