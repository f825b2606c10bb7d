import { randomBytes } from "node:crypto";
import { appendAudit } from "../../db/queries/audit";
import {
  deleteEndpoint,
  enableEndpoint,
  endpointById,
  findDelivery,
  findEndpoint,
  insertEndpoint,
  listDeliveries,
  listEndpoints,
  requeueDelivery,
  type DeliveryLogRow,
  type EndpointRow,
} from "../../db/queries/webhooks";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../../db/schema";
import type { Db } from "../../db/types";
import type { Deps } from "../../deps";
import { z } from "zod";
import { AppError } from "../../errors";
import { parseInput } from "../validate";
import { actorLabel, initiatorOf, type Actor } from "../actor";
import { auditEntry } from "../directory/audit-entry";
import { webhookTeam } from "./access";
import { deliverWebhooks } from "./deliver";
import { endpointSealContext, newWebhookSecret } from "./sign";
import { judgeHost } from "./url-guard";

export type { DeliveryLogRow };

export interface EndpointView {
  id: string;
  url: string;
  /** null: every event type. */
  events: WebhookEventType[] | null;
  createdAt: string;
  disabledAt: string | null;
  failingSince: string | null;
}

const view = (r: EndpointRow): EndpointView => ({
  id: r.id,
  url: r.url,
  events: (r.events as WebhookEventType[] | null) ?? null,
  createdAt: r.createdAt.toISOString(),
  disabledAt: r.disabledAt?.toISOString() ?? null,
  failingSince: r.failingSince?.toISOString() ?? null,
});

const PRIVATE_URL = "不接受本机或内网地址 / loopback and private addresses are refused (WEBHOOK_ALLOW_PRIVATE)";
const UNRESOLVED_URL = "主机名无法解析 / the hostname does not resolve";
const URL_REQUIRED = "必填的 http(s) URL / an http(s) URL is required";
/** The events an endpoint can ask for (docs/webhooks.md). */
export const WEBHOOK_EVENTS = WEBHOOK_EVENT_TYPES;

const EVENTS = `事件类型列表 / a non-empty list of: ${WEBHOOK_EVENT_TYPES.join(", ")}`;
const INVALID = "Webhook 设置无效 / Invalid webhook endpoint";

/** Why `url` cannot be an endpoint's, or null: http(s) and no credentials (its host is judged after). */
function urlProblem(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "不是有效的 URL / not a valid URL";
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return "只接受 http(s) / only http(s) URLs";
  if (u.username || u.password) return "URL 不能包含用户名或密码 / no credentials in the URL";
  return null;
}

/**
 * `POST /api/teams/:slug/webhooks`. The host is judged by what it resolves to once the shape holds:
 * private addresses are refused unless `WEBHOOK_ALLOW_PRIVATE` (docs/webhooks.md#private-addresses).
 */
export const EndpointInput = z.object({
  url: z
    .string({ error: URL_REQUIRED })
    .max(2000, { error: URL_REQUIRED, abort: true })
    .check((ctx) => {
      const message = urlProblem(ctx.value);
      if (message) ctx.issues.push({ code: "custom", message, input: ctx.value });
    }),
  events: z
    .array(z.enum(WEBHOOK_EVENT_TYPES, { error: EVENTS }), { error: EVENTS })
    .min(1, { error: EVENTS })
    .nullish(),
});

async function validate(deps: Deps, input: unknown): Promise<{ url: string; events: WebhookEventType[] | null }> {
  const body = parseInput(EndpointInput, input, { lenient: true, message: INVALID });
  const u = new URL(body.url);
  const verdict = await judgeHost(deps, u.hostname);
  if (!verdict.ok)
    throw new AppError("validation_failed", INVALID, [
      { field: "url", message: verdict.reason === "private" ? PRIVATE_URL : UNRESOLVED_URL },
    ]);
  return { url: u.toString(), events: body.events ? [...new Set(body.events)] : null };
}

/** A change and its audit entry in one transaction; `change` answering null (nothing there) writes no entry. */
async function audited<T>(
  deps: Deps,
  actor: Actor,
  p: { teamId: number; action: string; subjectId: string; after?: (result: NoInfer<T>) => unknown },
  change: (tx: Db) => Promise<T | null>,
): Promise<T | null> {
  return deps.db.transaction(async (tx: Db) => {
    const result = await change(tx);
    if (result === null) return null;
    const entry = {
      teamId: p.teamId,
      at: deps.clock.now(),
      initiator: initiatorOf(actor),
      actor: actorLabel(actor),
      action: p.action,
      subjectType: "webhook",
      subjectId: p.subjectId,
      after: p.after?.(result) ?? null,
    } as const;
    await appendAudit(tx, [auditEntry(entry)]);
    return result;
  });
}

/** Adds an endpoint; its secret is answered this once and stored sealed. */
export async function createEndpoint(deps: Deps, actor: Actor, slug: string, input: unknown): Promise<EndpointView & { secret: string }> {
  const teamId = await webhookTeam(deps, actor, slug);
  const { url, events } = await validate(deps, input);
  const id = `ep_${randomBytes(12).toString("hex")}`;
  const secret = newWebhookSecret();
  const row = await audited(deps, actor, { teamId, action: "webhook.created", subjectId: id, after: () => ({ url, events }) }, (tx: Db) =>
    insertEndpoint(tx, {
      id,
      teamId,
      url,
      events,
      secretSealed: deps.secrets.seal(secret, endpointSealContext(id)),
      createdAt: deps.clock.now(),
    }),
  );
  return { ...view(row!), secret };
}

export async function listTeamEndpoints(deps: Deps, actor: Actor, slug: string): Promise<EndpointView[]> {
  return (await listEndpoints(deps.db, { teamId: await webhookTeam(deps, actor, slug) })).map(view);
}

const endpointNotFound = () => new AppError("not_found", "没有这个 Webhook / No such webhook endpoint");

export async function getEndpoint(deps: Deps, actor: Actor, slug: string, id: string): Promise<EndpointView> {
  const row = await findEndpoint(deps.db, { teamId: await webhookTeam(deps, actor, slug), id });
  if (!row) throw endpointNotFound();
  return view(row);
}

export async function removeEndpoint(deps: Deps, actor: Actor, slug: string, id: string): Promise<void> {
  const teamId = await webhookTeam(deps, actor, slug);
  const gone = await audited(deps, actor, { teamId, action: "webhook.deleted", subjectId: id }, async (tx: Db) =>
    (await deleteEndpoint(tx, { teamId, id })) ? true : null,
  );
  if (!gone) throw endpointNotFound();
}

/** Lifts the disable of an endpoint that failed for a day: new events reach it again, pending ones resume. */
export async function enableTeamEndpoint(deps: Deps, actor: Actor, slug: string, id: string): Promise<EndpointView> {
  const teamId = await webhookTeam(deps, actor, slug);
  const row = await audited(deps, actor, { teamId, action: "webhook.enabled", subjectId: id }, (tx: Db) =>
    enableEndpoint(tx, { teamId, id }),
  );
  if (!row) throw endpointNotFound();
  return view(row);
}

/** An endpoint by id alone, for telling its team's admins that it was disabled (bot/webhook-notice.ts); null once removed. */
export async function findEndpointById(db: Db, id: string): Promise<{ id: string; teamId: number; url: string } | null> {
  const row = await endpointById(db, { id });
  return row ? { id: row.id, teamId: row.teamId, url: row.url } : null;
}

export async function endpointDeliveries(deps: Deps, actor: Actor, slug: string, id: string): Promise<DeliveryLogRow[]> {
  const endpoint = await findEndpoint(deps.db, { teamId: await webhookTeam(deps, actor, slug), id });
  if (!endpoint) throw endpointNotFound();
  return listDeliveries(deps.db, { endpointId: id, limit: 100 });
}

/**
 * "Send again": queues a logged delivery's event for its endpoint once more, with the same
 * `webhook-id` (docs/webhooks.md#send-again). Refused while that event is still pending there, or
 * while the endpoint is disabled (enable it first).
 */
export async function resendDelivery(
  deps: Deps,
  actor: Actor,
  slug: string,
  id: string,
  deliveryId: number,
): Promise<{ deliveryId: number; eventId: string }> {
  const teamId = await webhookTeam(deps, actor, slug);
  const endpoint = await findEndpoint(deps.db, { teamId, id });
  if (!endpoint) throw endpointNotFound();
  if (!Number.isSafeInteger(deliveryId) || !(await findDelivery(deps.db, { endpointId: id, deliveryId }))) {
    throw new AppError("not_found", "没有这次投递 / No such delivery");
  }
  if (endpoint.disabledAt) throw new AppError("conflict", "该 Webhook 已停用，请先启用 / The endpoint is disabled; enable it first");
  const queued = await audited(
    deps,
    actor,
    { teamId, action: "webhook.resent", subjectId: id, after: (q) => ({ deliveryId: q.id, eventId: q.eventId, from: deliveryId }) },
    (tx: Db) => requeueDelivery(tx, { endpointId: id, deliveryId, now: deps.clock.now() }),
  );
  if (!queued) throw new AppError("conflict", "该事件仍在等待投递 / This event is still waiting to be delivered");
  deps.defer(() => deliverWebhooks(deps));
  return { deliveryId: queued.id, eventId: queued.eventId };
}
