import { describeRoute, type DescribeRouteOptions } from "hono-openapi";
import type { MiddlewareHandler } from "hono";
import { z } from "zod";
import { ERROR_STATUS, type ErrorCode } from "../errors";
import { SESSION_COOKIE } from "../security/session";

/** The JSON error body every API answer carries on failure (docs/http-api.md#error-codes). */
export const ErrorBody = z.object({
  error: z.looseObject({
    code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
    message: z.string().describe("中文 / English"),
    fields: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .describe("validation_failed: every bad field"),
  }),
});

type Schema = Record<string, unknown>;
type Parameter = Exclude<NonNullable<DescribeRouteOptions["parameters"]>[number], { $ref: string }>;
type Responses = NonNullable<DescribeRouteOptions["responses"]>;

/** A zod schema as JSON Schema (OpenAPI 3.1 uses JSON Schema 2020-12): by default what a client sends. */
function jsonSchema(schema: z.ZodType, io: "input" | "output" = "input"): Schema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" });
  return rest;
}

/** The components every operation refers to: the error body and the three credentials. */
export const components = () => ({
  schemas: { Error: jsonSchema(ErrorBody, "output") },
  securitySchemes: {
    adminToken: { type: "http" as const, scheme: "bearer", description: "ADMIN_TOKEN" },
    session: { type: "apiKey" as const, in: "cookie", name: SESSION_COOKIE, description: "set by POST /api/session or the login form" },
    metricsToken: { type: "http" as const, scheme: "bearer", description: "METRICS_TOKEN" },
  },
});

/**
 * Who may call: the operator's bearer token; it or a team owner's or admin's session; a session;
 * the metrics token; anyone.
 */
export type Access = "operator" | "team_admin" | "session" | "metrics" | "public";

const SECURITY: Record<Access, Record<string, string[]>[]> = {
  operator: [{ adminToken: [] }],
  team_admin: [{ adminToken: [] }, { session: [] }],
  session: [{ session: [] }],
  metrics: [{ metricsToken: [] }],
  public: [],
};

/** The codes every route of this access can answer besides its own. */
const ACCESS_ERRORS: Record<Access, ErrorCode[]> = {
  operator: ["unauthorized"],
  team_admin: ["unauthorized", "forbidden", "not_a_member", "member_locked", "csrf_failed", "team_not_found"],
  session: ["unauthorized"],
  metrics: ["unauthorized", "not_found"],
  public: [],
};

function errorResponses(codes: ErrorCode[]): Responses {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  const out: Responses = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const schema = { allOf: [{ $ref: "#/components/schemas/Error" }, { properties: { error: { properties: { code: { enum: list } } } } }] };
    out[String(status)] = { description: list.join(", "), content: { "application/json": { schema } } };
  }
  return out;
}

function queryParameters(query: z.ZodObject | undefined): Parameter[] {
  if (!query) return [];
  return Object.entries(query.shape).map(([name, field]) => ({
    name,
    in: "query",
    required: !(field as z.ZodType).safeParse(undefined).success,
    schema: jsonSchema(field as z.ZodType),
  }));
}

export interface Operation {
  summary: string;
  tags: string[];
  access: Access;
  /** The JSON body, validated by the verb with this same schema. */
  body?: z.ZodType;
  /** A body that may be absent. */
  bodyOptional?: boolean;
  query?: z.ZodObject;
  /** What each path parameter other than `slug` is, e.g. `{ id: "the job's id" }`. */
  params?: Record<string, string>;
  /**
   * The success answer: its status, what it is and, for a JSON body, the zod schema of that body
   * (src/routes/responses/), described as what the server sends.
   */
  ok: { status: number; description: string; body?: z.ZodType };
  errors?: ErrorCode[];
}

/** The success response of `ok`: its JSON Schema when the body is JSON. */
function okResponse(ok: Operation["ok"]): Responses[string] {
  if (!ok.body) return { description: ok.description };
  return { description: ok.description, content: { "application/json": { schema: jsonSchema(ok.body, "output") } } };
}

/**
 * The OpenAPI description of one route (GET /api/openapi.json), from the schemas that validate its
 * input and the schema of its success body.
 */
export function operation(op: Operation): MiddlewareHandler {
  const parameters: Parameter[] = [
    ...Object.entries(op.params ?? {}).map(([name, description]) => ({
      name,
      in: "path",
      required: true,
      description,
      schema: { type: "string" as const },
    })),
    ...queryParameters(op.query),
  ];
  const errors: ErrorCode[] = [...ACCESS_ERRORS[op.access], ...(op.errors ?? []), "internal"];
  if (op.body) errors.push("bad_request", "validation_failed");
  if (op.query) errors.push("validation_failed");
  return describeRoute({
    summary: op.summary,
    tags: op.tags,
    security: SECURITY[op.access],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.body ? { requestBody: { required: !op.bodyOptional, content: { "application/json": { schema: jsonSchema(op.body) } } } } : {}),
    responses: { [String(op.ok.status)]: okResponse(op.ok), ...errorResponses(errors) },
  });
}
