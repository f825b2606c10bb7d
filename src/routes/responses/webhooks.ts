import { z } from "zod";
import {
  WEBHOOK_EVENTS,
  type createEndpoint,
  type endpointDeliveries,
  type EndpointView,
  type resendDelivery,
} from "../../services/webhooks/endpoints";
import { bodyOf } from "./body-of";

// The schemas sit here, not beside the verbs in services/webhooks: bodyOf ties them to the verbs' types.

const event = z.enum(WEBHOOK_EVENTS);

const endpointFields = {
  id: z.string().describe("ep_…"),
  url: z.string(),
  events: z.array(event).nullable().describe("null: every event"),
  createdAt: z.iso.datetime(),
  disabledAt: z.iso.datetime().nullable(),
  failingSince: z.iso.datetime().nullable(),
};

const Endpoint = bodyOf<EndpointView>()(z.object(endpointFields));

/** `POST …/webhooks`: the only answer that shows the secret. */
export const NewEndpointBody = z.object({
  endpoint: bodyOf<Awaited<ReturnType<typeof createEndpoint>>>()(z.object({ ...endpointFields, secret: z.string().describe("whsec_…") })),
});

/** `GET …/webhooks`. */
export const EndpointList = z.object({ endpoints: z.array(Endpoint) });

/** `POST …/webhooks/:id/enable`. */
export const EndpointBody = z.object({ endpoint: Endpoint });

/** `GET …/webhooks/:id/deliveries`: the latest first. */
export const DeliveryList = z.object({
  deliveries: bodyOf<Awaited<ReturnType<typeof endpointDeliveries>>>()(
    z.array(
      z.object({
        id: z.number().int(),
        eventId: z.string(),
        type: z.string(),
        status: z.string(),
        attempts: z.number().int(),
        lastStatus: z.number().int().nullable(),
        lastLatencyMs: z.number().nullable(),
        lastResponse: z.string().nullable().describe("an excerpt"),
        lastError: z.string().nullable(),
        lastAttemptAt: z.iso.datetime().nullable(),
        nextAttemptAt: z.iso.datetime(),
        deliveredAt: z.iso.datetime().nullable(),
        createdAt: z.iso.datetime(),
      }),
    ),
  ),
});

/** `POST …/deliveries/:deliveryId/retry`. */
export const RetriedDelivery = z.object({
  delivery: bodyOf<Awaited<ReturnType<typeof resendDelivery>>>()(z.object({ deliveryId: z.number().int(), eventId: z.string() })),
});
