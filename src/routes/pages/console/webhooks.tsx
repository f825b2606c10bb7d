import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../../../deps";
import {
  createEndpoint,
  enableTeamEndpoint,
  endpointDeliveries,
  getEndpoint,
  listTeamEndpoints,
  removeEndpoint,
  resendDelivery,
} from "../../../services/webhooks/endpoints";
import { teamHref } from "../../../views/console/shell";
import { WebhookPage } from "../../../views/console/webhook-page";
import { WebhooksPage, type WebhooksPageProps } from "../../../views/console/webhooks-page";
import { callerOf } from "../../session-auth";
import { html } from "../form-kit";
import { consoleOf, handlePost, signedIn, teamAdmin } from "./gate";
import { consoleForm, flashOf, idOf, withFlash } from "./kit";

async function listPage(c: Context<AppEnv>, extra: Partial<WebhooksPageProps>, status: ContentfulStatusCode = 200): Promise<Response> {
  const ctx = consoleOf(c);
  const endpoints = await listTeamEndpoints(c.env.deps, callerOf(c), ctx.slug);
  return html(c, <WebhooksPage {...ctx} team={ctx.team} endpoints={endpoints} flash={flashOf(c)} {...extra} />, status);
}

const endpointHref = (c: Context<AppEnv>, path = "") => {
  const { base, slug } = consoleOf(c);
  return teamHref(base, slug, `/webhooks/${encodeURIComponent(c.req.param("id") ?? "")}${path}`);
};

/** A team's webhook endpoints and each one's delivery log (docs/webhooks.md#the-console). */
export const webhooksConsole = new Hono<AppEnv>()
  .get("/teams/:slug/webhooks", signedIn, teamAdmin, (c) => listPage(c, {}))
  .post("/teams/:slug/webhooks", consoleForm, signedIn, teamAdmin, (c) =>
    handlePost(
      c,
      async (form) => {
        const events = form.all("events");
        const created = await createEndpoint(c.env.deps, callerOf(c), consoleOf(c).slug, {
          url: form.get("url")?.trim() ?? "",
          events: events.length > 0 ? events : null,
        });
        // The secret is on this answer only: rendered, never put in a redirect's URL.
        return listPage(c, { created });
      },
      (err, form) =>
        listPage(c, { error: err.message, fields: err.fields, values: { url: form.get("url"), events: form.all("events") } }, err.status),
    ),
  )
  .post("/teams/:slug/webhooks/:id/delete", consoleForm, signedIn, teamAdmin, (c) =>
    handlePost(c, async () => {
      const { base, slug } = consoleOf(c);
      await removeEndpoint(c.env.deps, callerOf(c), slug, c.req.param("id"));
      return c.redirect(withFlash(teamHref(base, slug, "/webhooks"), "webhook_deleted"), 303);
    }),
  )
  .get("/teams/:slug/webhooks/:id", signedIn, teamAdmin, async (c) => {
    const ctx = consoleOf(c);
    const id = c.req.param("id");
    const [endpoint, deliveries] = await Promise.all([
      getEndpoint(c.env.deps, callerOf(c), ctx.slug, id),
      endpointDeliveries(c.env.deps, callerOf(c), ctx.slug, id),
    ]);
    return html(c, <WebhookPage {...ctx} team={ctx.team} endpoint={endpoint} deliveries={deliveries} flash={flashOf(c)} />);
  })
  .post("/teams/:slug/webhooks/:id/enable", consoleForm, signedIn, teamAdmin, (c) =>
    handlePost(c, async () => {
      await enableTeamEndpoint(c.env.deps, callerOf(c), consoleOf(c).slug, c.req.param("id"));
      return c.redirect(withFlash(endpointHref(c), "webhook_enabled"), 303);
    }),
  )
  .post("/teams/:slug/webhooks/:id/deliveries/:deliveryId/retry", consoleForm, signedIn, teamAdmin, (c) =>
    handlePost(c, async () => {
      await resendDelivery(c.env.deps, callerOf(c), consoleOf(c).slug, c.req.param("id"), idOf(c.req.param("deliveryId")));
      return c.redirect(withFlash(endpointHref(c), "webhook_resent"), 303);
    }),
  );
