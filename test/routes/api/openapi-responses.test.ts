// The success bodies the app sends validate against the schemas GET /api/openapi.json declares for
// that route and status (docs/http-api.md#openapi-description), checked by Ajv, a JSON Schema
// validator independent of the zod schemas the description is built from.
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, BINDING, OPERATOR } from "../../helpers/api";
import { FakeClock, type TestDeps } from "../../helpers/deps";
import { importedTeam, type ImportedTeam } from "../../helpers/imported-team";
import { syncNow } from "../../helpers/sync";
import { openTestDb } from "../../helpers/test-db";
import { webhookReceiver } from "../../helpers/webhook-receiver";
import { accountDeps, client, PASSWORD } from "../../services/accounts/helpers";

type Json = Record<string, unknown>;
type Responses = Record<string, { content?: Record<string, { schema: Json }> }>;
type Description = { paths: Record<string, Record<string, { responses: Responses }>> };
type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };
type Ajv = { compile(schema: Json): Validate };

// Ajv with JSON Schema 2020-12 (OpenAPI 3.1's dialect) is the one @apidevtools/swagger-parser
// depends on; the top-level ajv in node_modules is version 6, which knows only draft-07.
const fromParser = createRequire(createRequire(import.meta.url).resolve("@apidevtools/swagger-parser"));
const Ajv2020 = (fromParser("ajv/dist/2020") as { default: new (opts: Json) => Ajv }).default;
// Zod writes `format: "date-time"` together with a pattern; Ajv's formats are a separate package.
const ajv = new Ajv2020({ strict: true, allErrors: true, formats: { "date-time": true } });

/** Success answers that carry no JSON body. */
const NOT_JSON = ["DELETE /api/session 204", "DELETE /api/teams/{slug}/webhooks/{id} 204", "GET /metrics 200"];

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
let api: ReturnType<typeof client>;
let team: ImportedTeam;
let doc: Description;
let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
const checked = new Set<string>();

beforeAll(async () => {
  opened = await openTestDb();
  // The receiver checks webhook-timestamp against its own clock: start from now.
  deps = accountDeps(opened.db, { env: { WEBHOOK_ALLOW_PRIVATE: "true" }, clock: new FakeClock(Date.now()) });
  api = client(deps);
  receiver = await webhookReceiver();
  team = await importedTeam(deps, "acme");
  doc = (await (await apiClient(deps).request("/api/openapi.json")).json()) as Description;
}, 180_000);
afterAll(async () => {
  await receiver.close();
  await opened.close();
});

/**
 * Checks that `res` has `status` and that its body validates against the schema the description
 * declares for `method template` at that status; answers the body.
 */
async function answered<T = Json>(res: Response, method: string, template: string, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, `${method} ${template}: ${text}`).toBe(status);
  const schema = doc.paths[template]?.[method.toLowerCase()]?.responses[String(status)]?.content?.["application/json"]?.schema;
  expect(schema, `${method} ${template} ${status} declares a JSON body`).toBeDefined();
  const validate = ajv.compile(schema!);
  const body = JSON.parse(text) as unknown;
  expect(validate(body) ? [] : validate.errors, `${method} ${template} ${status}`).toEqual([]);
  checked.add(`${method} ${template}`);
  return body as T;
}

async function send<T = Json>(
  method: string,
  template: string,
  path: string,
  status: number,
  body?: unknown,
  headers: Record<string, string> = OPERATOR,
): Promise<T> {
  return answered<T>(await api.json(method, path, body, headers), method, template, status);
}

describe("the success bodies the description declares", () => {
  it("are declared for every JSON success answer, as what the server sends (no undeclared fields)", () => {
    const missing: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops))
        for (const [status, response] of Object.entries(op.responses)) {
          const name = `${method.toUpperCase()} ${path} ${status}`;
          if (!/^2/.test(status) || NOT_JSON.includes(name) || path.startsWith("/wecom/")) continue;
          const schema = response.content?.["application/json"]?.schema;
          if (!schema) missing.push(name);
        }
    expect(missing).toEqual([]);
    const job = doc.paths["/api/teams/{slug}/jobs/{id}"]!.get!.responses["200"]!.content!["application/json"]!.schema;
    expect(job).toMatchObject({ type: "object", additionalProperties: false });
    expect(job.required).toEqual(expect.arrayContaining(["id", "state", "progress", "counts", "createdAt"]));
  });

  it("match teams, bindings and callback counts", async () => {
    await send("POST", "/api/teams", "/api/teams", 201, { slug: "beta", name: "Beta" });
    expect(await send("GET", "/api/teams/{slug}/wecom", "/api/teams/beta/wecom", 200)).toMatchObject({ bound: false });
    await send("PUT", "/api/teams/{slug}/wecom", "/api/teams/beta/wecom", 200, BINDING);
    const bound = await send<{ bound: boolean; secret: string }>("GET", "/api/teams/{slug}/wecom", "/api/teams/acme/wecom", 200);
    expect(bound).toMatchObject({ bound: true, secret: "********" });
    await send("PUT", "/api/teams/{slug}/wecom/admins", "/api/teams/acme/wecom/admins", 200, { adminUserIds: [team.rows[0]!.wecomUserId] });
    await send("GET", "/api/teams/{slug}/callbacks/stats", "/api/teams/acme/callbacks/stats", 200);
  });

  it("match the directory: members, departments, policy, standing, role and the audit log", async () => {
    const page = await send<{ items: { id: number }[]; nextCursor: string }>(
      "GET",
      "/api/teams/{slug}/members",
      "/api/teams/acme/members?limit=5",
      200,
    );
    expect(page.items).toHaveLength(5);
    expect(page.nextCursor).not.toBeNull();
    const departments = await send<{ items: unknown[] }>("GET", "/api/teams/{slug}/departments", "/api/teams/acme/departments", 200);
    expect(departments.items.length).toBeGreaterThan(1);
    await send("GET", "/api/teams/{slug}/policy", "/api/teams/acme/policy", 200);
    await send("PUT", "/api/teams/{slug}/policy", "/api/teams/acme/policy", 200, { onMemberDeleted: "lock" });
    const member = team.rows[1]!;
    await send("POST", "/api/teams/{slug}/members/{id}/lock", `/api/teams/acme/members/${member.id}/lock`, 200);
    await send("POST", "/api/teams/{slug}/members/{id}/unlock", `/api/teams/acme/members/${member.id}/unlock`, 200);
    await send("PUT", "/api/teams/{slug}/members/{id}/role", `/api/teams/acme/members/${team.rows[2]!.id}/role`, 200, { role: "admin" });
    const audit = await send<{ items: unknown[] }>("GET", "/api/teams/{slug}/audit", "/api/teams/acme/audit?limit=50", 200);
    expect(audit.items.length).toBeGreaterThan(3);
  });

  it("match jobs: a started sync, its page, the history, the staged list and a cancel", async () => {
    const started = await send<{ job: { id: number } }>("POST", "/api/teams/{slug}/sync", "/api/teams/acme/sync", 202);
    const id = started.job.id;
    await send("GET", "/api/teams/{slug}/jobs/{id}", `/api/teams/acme/jobs/${id}`, 200);
    await send("GET", "/api/teams/{slug}/jobs/{id}/staged", `/api/teams/acme/jobs/${id}/staged`, 200);
    expect(await send("POST", "/api/teams/{slug}/jobs/{id}/cancel", `/api/teams/acme/jobs/${id}/cancel`, 200)).toMatchObject({ id });
    await deps.deferred.flush();
    const history = await send<{ items: { state: string }[] }>("GET", "/api/teams/{slug}/jobs", "/api/teams/acme/jobs", 200);
    expect(history.items.map((j) => j.state)).toEqual(["cancelled", "succeeded"]);
  });

  it("match accounts, sessions, access, matching and invitations", async () => {
    const { account } = await send<{ account: { id: number } }>(
      "POST",
      "/api/accounts",
      "/api/accounts",
      201,
      { username: "schema-check", password: PASSWORD, name: "Schema Check", email: "schema@example.com" },
      {},
    );
    const jar = await api.login("schema-check", PASSWORD);
    await answered(
      await api.asBrowser(jar, "POST", "/api/session", { username: "schema-check", password: PASSWORD }),
      "POST",
      "/api/session",
      200,
    );
    await answered(await api.asBrowser(jar, "GET", "/api/me"), "GET", "/api/me", 200);
    await send("POST", "/api/teams/{slug}/members", "/api/teams/acme/members", 201, { accountId: account.id, role: "admin" });
    expect(await answered(await api.asBrowser(jar, "GET", "/api/teams/acme/access"), "GET", "/api/teams/{slug}/access", 200)).toEqual({
      role: "admin",
    });
    await send("POST", "/api/teams/{slug}/match", "/api/teams/acme/match", 200, { dryRun: true });
    const confirmed = await send<{ rejected: unknown[] }>("POST", "/api/teams/{slug}/match/confirm", "/api/teams/acme/match/confirm", 200, {
      pairs: [{ memberId: team.rows[3]!.id, accountId: account.id }],
    });
    expect(confirmed.rejected).toHaveLength(1);
    const invited = team.take();
    const authorized = await send<{ invited: number }>("POST", "/api/teams/{slug}/authorize", "/api/teams/acme/authorize", 200, {
      wecomUserIds: [invited],
    });
    expect(authorized.invited).toBe(1);
    const { id } = await team.memberOf(invited);
    deps.clock.advance(61_000); // one card a minute per member
    await send("POST", "/api/teams/{slug}/members/{id}/invitation", `/api/teams/acme/members/${id}/invitation`, 201);
  });

  it("match webhooks: an endpoint, the list, its deliveries, enable and send again", async () => {
    const { endpoint } = await send<{ endpoint: { id: string; secret: string } }>(
      "POST",
      "/api/teams/{slug}/webhooks",
      "/api/teams/acme/webhooks",
      201,
      { url: `${receiver.base}/schema`, events: ["sync.succeeded"] },
    );
    receiver.expect("/schema", endpoint.secret);
    expect((await syncNow(deps, "acme")).state).toBe("succeeded");
    await deps.deferred.flush();
    const { deliveries } = await send<{ deliveries: { id: number; status: string }[] }>(
      "GET",
      "/api/teams/{slug}/webhooks/{id}/deliveries",
      `/api/teams/acme/webhooks/${endpoint.id}/deliveries`,
      200,
    );
    expect(deliveries.map((d) => d.status)).toEqual(["delivered"]);
    await send("GET", "/api/teams/{slug}/webhooks", "/api/teams/acme/webhooks", 200);
    await send("POST", "/api/teams/{slug}/webhooks/{id}/enable", `/api/teams/acme/webhooks/${endpoint.id}/enable`, 200);
    await send(
      "POST",
      "/api/teams/{slug}/webhooks/{id}/deliveries/{deliveryId}/retry",
      `/api/teams/acme/webhooks/${endpoint.id}/deliveries/${deliveries[0]!.id}/retry`,
      202,
    );
  });

  it("match health, readiness, the operator's counts and the description itself", async () => {
    await send("GET", "/healthz", "/healthz", 200);
    await send("GET", "/readyz", "/readyz", 200);
    const stats = await send<{ teams: { slug: string }[] }>("GET", "/api/operator/stats", "/api/operator/stats", 200);
    expect(stats.teams.map((t) => t.slug).sort()).toEqual(["acme", "beta"]);
    await send("GET", "/api/openapi.json", "/api/openapi.json", 200);
  });

  it("were exercised on most JSON routes", () => {
    expect(checked.size).toBeGreaterThanOrEqual(36);
  });
});
