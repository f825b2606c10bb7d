import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { createEndpoint, endpointDeliveries, endpointInput, listTeamEndpoints, removeEndpoint } from "../../services/webhooks/endpoints";
import { readJson } from "../json-errors";
import { requireOperator } from "../operator-auth";
import { callerOf } from "../session-auth";
import { operation, type Operation } from "../operation";

const webhooks = (op: Omit<Operation, "access" | "tags">) => operation({ ...op, tags: ["Webhooks"], access: "team_admin" });
const ENDPOINT = { id: "the endpoint's id (`ep_…`)" };

/** Outbound webhooks of a team (docs/webhooks.md): the operator or a team admin. */
export const webhookRoutes = new Hono<AppEnv>()
  .use("/api/teams/*", requireOperator)
  .post("/api/teams/:slug/webhooks", webhooks({ summary: "Add an endpoint; its secret is shown only now", body: endpointInput(false), ok: { status: 201, description: "{endpoint: {id, url, events, secret, …}}" } }), async (c) =>
    c.json({ endpoint: await createEndpoint(c.env.deps, callerOf(c), c.req.param("slug"), await readJson(c)) }, 201),
  )
  .get("/api/teams/:slug/webhooks", webhooks({ summary: "The team's endpoints", ok: { status: 200, description: "{endpoints}" } }), async (c) => c.json({ endpoints: await listTeamEndpoints(c.env.deps, callerOf(c), c.req.param("slug")) }))
  .delete("/api/teams/:slug/webhooks/:id", webhooks({ summary: "Remove an endpoint", params: ENDPOINT, ok: { status: 204, description: "removed" }, errors: ["not_found"] }), async (c) => {
    await removeEndpoint(c.env.deps, callerOf(c), c.req.param("slug"), c.req.param("id"));
    return c.body(null, 204);
  })
  .get("/api/teams/:slug/webhooks/:id/deliveries", webhooks({ summary: "The endpoint's latest deliveries", params: ENDPOINT, ok: { status: 200, description: "{deliveries}" }, errors: ["not_found"] }), async (c) =>
    c.json({ deliveries: await endpointDeliveries(c.env.deps, callerOf(c), c.req.param("slug"), c.req.param("id")) }),
  );
