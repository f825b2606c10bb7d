import { randomBytes } from "node:crypto";
import { deleteEndpoint, findEndpoint, insertEndpoint, listDeliveries, listEndpoints, type DeliveryLogRow, type EndpointRow } from "../../db/queries/webhooks";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../../db/schema";
import type { Deps } from "../../deps";
import { AppError, type FieldProblem } from "../../errors";
import type { Actor } from "../actor";
import { newWebhookSecret } from "./sign";
import { isPrivateHost } from "./url-guard";
import { teamFor } from "../directory/team-lookup";

export interface EndpointView {
  id: string;
  url: string;
  /** null: every event type. */
  events: WebhookEventType[] | null;
  createdAt: string;
  disabledAt: string | null;
  failingSince: string | null;
}

/** The secret is sealed to its endpoint: a sealed value copied to another row does not open. */
export const endpointSealContext = (id: string) => `webhook_endpoints:${id}`;

const view = (r: EndpointRow): EndpointView => ({
  id: r.id,
  url: r.url,
  events: (r.events as WebhookEventType[] | null) ?? null,
  createdAt: r.createdAt.toISOString(),
  disabledAt: r.disabledAt?.toISOString() ?? null,
  failingSince: r.failingSince?.toISOString() ?? null,
});

async function teamOf(deps: Deps, actor: Actor, slug: string, permission: "team.read" | "webhooks.manage"): Promise<number> {
  return (await teamFor(deps.db, actor, slug, permission)).team.id;
}

function validate(deps: Deps, input: unknown): { url: string; events: WebhookEventType[] | null } {
  const body = (input ?? {}) as { url?: unknown; events?: unknown };
  const problems: FieldProblem[] = [];
  let url = "";
  if (typeof body.url !== "string" || body.url.length > 2000) {
    problems.push({ field: "url", message: "必填的 http(s) URL / an http(s) URL is required" });
  } else {
    try {
      const u = new URL(body.url);
      if (u.protocol !== "http:" && u.protocol !== "https:") problems.push({ field: "url", message: "只接受 http(s) / only http(s) URLs" });
      else if (u.username || u.password) problems.push({ field: "url", message: "URL 不能包含用户名或密码 / no credentials in the URL" });
      else if (!deps.config.webhookAllowPrivate && isPrivateHost(u.hostname)) {
        problems.push({ field: "url", message: "不接受本机或内网地址 / loopback and private addresses are refused (WEBHOOK_ALLOW_PRIVATE)" });
      }
      url = u.toString();
    } catch {
      problems.push({ field: "url", message: "不是有效的 URL / not a valid URL" });
    }
  }
  let events: WebhookEventType[] | null = null;
  if (body.events !== undefined && body.events !== null) {
    const known = new Set<string>(WEBHOOK_EVENT_TYPES);
    if (!Array.isArray(body.events) || body.events.length === 0 || !body.events.every((e) => typeof e === "string" && known.has(e))) {
      problems.push({ field: "events", message: `事件类型列表 / a non-empty list of: ${WEBHOOK_EVENT_TYPES.join(", ")}` });
    } else {
      events = [...new Set(body.events as WebhookEventType[])];
    }
  }
  if (problems.length > 0) throw new AppError("validation_failed", "Webhook 设置无效 / Invalid webhook endpoint", problems);
  return { url, events };
}

/** Adds an endpoint; its secret is answered this once and stored sealed. */
export async function createEndpoint(deps: Deps, actor: Actor, slug: string, input: unknown): Promise<EndpointView & { secret: string }> {
  const { url, events } = validate(deps, input);
  const teamId = await teamOf(deps, actor, slug, "webhooks.manage");
  const id = `ep_${randomBytes(12).toString("hex")}`;
  const secret = newWebhookSecret();
  const row = await insertEndpoint(deps.db, { id, teamId, url, events, secretSealed: deps.secrets.seal(secret, endpointSealContext(id)), createdAt: deps.clock.now() });
  return { ...view(row), secret };
}

export async function listTeamEndpoints(deps: Deps, actor: Actor, slug: string): Promise<EndpointView[]> {
  return (await listEndpoints(deps.db, { teamId: await teamOf(deps, actor, slug, "team.read") })).map(view);
}

const endpointNotFound = () => new AppError("not_found", "没有这个 Webhook / No such webhook endpoint");

export async function removeEndpoint(deps: Deps, actor: Actor, slug: string, id: string): Promise<void> {
  if (!(await deleteEndpoint(deps.db, { teamId: await teamOf(deps, actor, slug, "webhooks.manage"), id }))) throw endpointNotFound();
}

export async function endpointDeliveries(deps: Deps, actor: Actor, slug: string, id: string): Promise<DeliveryLogRow[]> {
  const endpoint = await findEndpoint(deps.db, { teamId: await teamOf(deps, actor, slug, "team.read"), id });
  if (!endpoint) throw endpointNotFound();
  return listDeliveries(deps.db, { endpointId: id, limit: 100 });
}
