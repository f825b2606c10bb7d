import { Hono } from "hono";
import { openAPIRouteHandler } from "hono-openapi";
import type { AppEnv } from "../../deps";
import { components, operation } from "../operation";
import { OpenApiDocument } from "../responses/ops";

/**
 * `GET /api/openapi.json` (docs/http-api.md#openapi-description): OpenAPI 3.1 of every described route
 * of `app`, built from the schemas the verbs validate with, once per app on the first request.
 */
export function openApiRoutes(app: Hono<AppEnv>): Hono<AppEnv> {
  return new Hono<AppEnv>().get(
    "/api/openapi.json",
    operation({
      summary: "This description",
      tags: ["Operations"],
      access: "public",
      ok: { status: 200, description: "OpenAPI 3.1", body: OpenApiDocument },
    }),
    openAPIRouteHandler(app, {
      excludeStaticFile: false,
      documentation: {
        info: {
          title: "wecom-roster",
          version: "1",
          description:
            "Keeps a team workspace's members and departments in step with a company's WeCom address book. Errors: `{error: {code, message, fields?}}`, the status following the code.",
        },
        components: components(),
      },
    }),
  );
}
