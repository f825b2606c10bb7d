import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import {
  createEndpoint,
  enableTeamEndpoint,
  endpointDeliveries,
  EndpointInput,
  listTeamEndpoints,
  removeEndpoint,
  resendDelivery,
} from "../../services/webhooks/endpoints";
import { readJson } from "../json-errors";
import { callerOf } from "../session-auth";
import { operation, type Operation } from "../operation";
import { DeliveryList, EndpointBody, EndpointList, NewEndpointBody, RetriedDelivery } from "../responses/webhooks";

const webhooks = (op: Omit<Operation, "access" | "tags">) => operation({ ...op, tags: ["Webhooks"], access: "team_admin" });
const ENDPOINT = { id: "the endpoint's id (`ep_…`)" };

/** Outbound webhooks of a team (docs/webhooks.md): the operator or a team admin. */
export const webhookRoutes = new Hono<AppEnv>()
  .post(
    "/api/teams/:slug/webhooks",
    webhooks({
      summary: "Add an endpoint; its secret is shown only now",
      body: EndpointInput,
      ok: { status: 201, description: "{endpoint: {id, url, events, secret, …}}", body: NewEndpointBody },
    }),
    async (c) => c.json({ endpoint: await createEndpoint(c.env.deps, callerOf(c), c.req.param("slug"), await readJson(c)) }, 201),
  )
  .get(
    "/api/teams/:slug/webhooks",
    webhooks({ summary: "The team's endpoints", ok: { status: 200, description: "{endpoints}", body: EndpointList } }),
    async (c) => c.json({ endpoints: await listTeamEndpoints(c.env.deps, callerOf(c), c.req.param("slug")) }),
  )
  .delete(
    "/api/teams/:slug/webhooks/:id",
    webhooks({ summary: "Remove an endpoint", params: ENDPOINT, ok: { status: 204, description: "removed" }, errors: ["not_found"] }),
    async (c) => {
      await removeEndpoint(c.env.deps, callerOf(c), c.req.param("slug"), c.req.param("id"));
      return c.body(null, 204);
    },
  )
  .get(
    "/api/teams/:slug/webhooks/:id/deliveries",
    webhooks({
      summary: "The endpoint's latest deliveries",
      params: ENDPOINT,
      ok: { status: 200, description: "{deliveries}", body: DeliveryList },
      errors: ["not_found"],
    }),
    async (c) => c.json({ deliveries: await endpointDeliveries(c.env.deps, callerOf(c), c.req.param("slug"), c.req.param("id")) }),
  )
  .post(
    "/api/teams/:slug/webhooks/:id/enable",
    webhooks({
      summary: "Enable an endpoint disabled after a day of failures",
      params: ENDPOINT,
      ok: { status: 200, description: "{endpoint}", body: EndpointBody },
      errors: ["not_found"],
    }),
    async (c) => c.json({ endpoint: await enableTeamEndpoint(c.env.deps, callerOf(c), c.req.param("slug"), c.req.param("id")) }),
  )
  .post(
    "/api/teams/:slug/webhooks/:id/deliveries/:deliveryId/retry",
    webhooks({
      summary: "Send a delivery's event to its endpoint again (same webhook-id)",
      params: { ...ENDPOINT, deliveryId: "the delivery's id" },
      ok: { status: 202, description: "{delivery}: the new pending delivery", body: RetriedDelivery },
      errors: ["not_found", "conflict"],
    }),
    async (c) => {
      const deliveryId = /^\d{1,15}$/.test(c.req.param("deliveryId")) ? Number(c.req.param("deliveryId")) : NaN;
      return c.json({ delivery: await resendDelivery(c.env.deps, callerOf(c), c.req.param("slug"), c.req.param("id"), deliveryId) }, 202);
    },
  );
