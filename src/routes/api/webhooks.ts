import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { createEndpoint, enableTeamEndpoint, endpointDeliveries, listTeamEndpoints, removeEndpoint, resendDelivery } from "../../services/webhooks/endpoints";
import { readJson } from "../json-errors";
import { callerOf } from "../session-auth";

/** Outbound webhooks of a team (docs/webhooks.md): the operator or a team admin. */
export const webhookRoutes = new Hono<AppEnv>()
  .post("/api/teams/:slug/webhooks", async (c) =>
    c.json({ endpoint: await createEndpoint(c.env.deps, callerOf(c), c.req.param("slug"), await readJson(c)) }, 201),
  )
  .get("/api/teams/:slug/webhooks", async (c) => c.json({ endpoints: await listTeamEndpoints(c.env.deps, callerOf(c), c.req.param("slug")) }))
  .delete("/api/teams/:slug/webhooks/:id", async (c) => {
    await removeEndpoint(c.env.deps, callerOf(c), c.req.param("slug"), c.req.param("id"));
    return c.body(null, 204);
  })
  .get("/api/teams/:slug/webhooks/:id/deliveries", async (c) =>
    c.json({ deliveries: await endpointDeliveries(c.env.deps, callerOf(c), c.req.param("slug"), c.req.param("id")) }),
  )
  .post("/api/teams/:slug/webhooks/:id/enable", async (c) =>
    c.json({ endpoint: await enableTeamEndpoint(c.env.deps, callerOf(c), c.req.param("slug"), c.req.param("id")) }),
  )
  .post("/api/teams/:slug/webhooks/:id/deliveries/:deliveryId/retry", async (c) => {
    const deliveryId = /^\d{1,15}$/.test(c.req.param("deliveryId")) ? Number(c.req.param("deliveryId")) : NaN;
    return c.json({ delivery: await resendDelivery(c.env.deps, callerOf(c), c.req.param("slug"), c.req.param("id"), deliveryId) }, 202);
  });
