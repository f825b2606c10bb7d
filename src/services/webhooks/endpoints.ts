import { randomBytes } from "node:crypto";
import { z } from "zod";
import { deleteEndpoint, findEndpoint, insertEndpoint, listDeliveries, listEndpoints, type DeliveryLogRow, type EndpointRow } from "../../db/queries/webhooks";
import { findTeamBySlug } from "../../db/queries/teams";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../../db/schema";
import type { Deps } from "../../deps";
import { AppError, teamNotFound } from "../../errors";
import { parseInput } from "../validate";
import type { Actor } from "../actor";
import { newWebhookSecret } from "./sign";
import { isPrivateHost } from "./url-guard";

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

async function teamOf(deps: Deps, slug: string): Promise<number> {
  const team = await findTeamBySlug(deps.db, { slug });
  if (!team) throw teamNotFound(slug);
  return team.id;
}

/** Why `url` may not be an endpoint, or null: http(s), no credentials, and no private host unless allowed. */
function urlProblem(url: string, allowPrivate: boolean): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "不是有效的 URL / not a valid URL";
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return "只接受 http(s) / only http(s) URLs";
  if (u.username || u.password) return "URL 不能包含用户名或密码 / no credentials in the URL";
  if (!allowPrivate && isPrivateHost(u.hostname)) return "不接受本机或内网地址 / loopback and private addresses are refused (WEBHOOK_ALLOW_PRIVATE)";
  return null;
}

const URL_REQUIRED = "必填的 http(s) URL / an http(s) URL is required";
const EVENTS = `事件类型列表 / a non-empty list of: ${WEBHOOK_EVENT_TYPES.join(", ")}`;

/** `POST /api/teams/:slug/webhooks`; private addresses are refused unless `WEBHOOK_ALLOW_PRIVATE`. */
export const endpointInput = (allowPrivate: boolean) =>
  z.object({
    url: z
      .string({ error: URL_REQUIRED })
      .max(2000, { error: URL_REQUIRED, abort: true })
      .check((ctx) => {
        const message = urlProblem(ctx.value, allowPrivate);
        if (message) ctx.issues.push({ code: "custom", message, input: ctx.value });
      }),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES, { error: EVENTS }), { error: EVENTS }).min(1, { error: EVENTS }).nullish(),
  });

function validate(deps: Deps, input: unknown): { url: string; events: WebhookEventType[] | null } {
  const body = parseInput(endpointInput(deps.config.webhookAllowPrivate), input, { lenient: true, message: "Webhook 设置无效 / Invalid webhook endpoint" });
  return { url: new URL(body.url).toString(), events: body.events ? [...new Set(body.events)] : null };
}

/** Adds an endpoint; its secret is answered this once and stored sealed. */
export async function createEndpoint(deps: Deps, _actor: Actor, slug: string, input: unknown): Promise<EndpointView & { secret: string }> {
  const { url, events } = validate(deps, input);
  const teamId = await teamOf(deps, slug);
  const id = `ep_${randomBytes(12).toString("hex")}`;
  const secret = newWebhookSecret();
  const row = await insertEndpoint(deps.db, { id, teamId, url, events, secretSealed: deps.secrets.seal(secret, endpointSealContext(id)), createdAt: deps.clock.now() });
  return { ...view(row), secret };
}

export async function listTeamEndpoints(deps: Deps, _actor: Actor, slug: string): Promise<EndpointView[]> {
  return (await listEndpoints(deps.db, { teamId: await teamOf(deps, slug) })).map(view);
}

const endpointNotFound = () => new AppError("not_found", "没有这个 Webhook / No such webhook endpoint");

export async function removeEndpoint(deps: Deps, _actor: Actor, slug: string, id: string): Promise<void> {
  if (!(await deleteEndpoint(deps.db, { teamId: await teamOf(deps, slug), id }))) throw endpointNotFound();
}

export async function endpointDeliveries(deps: Deps, _actor: Actor, slug: string, id: string): Promise<DeliveryLogRow[]> {
  const endpoint = await findEndpoint(deps.db, { teamId: await teamOf(deps, slug), id });
  if (!endpoint) throw endpointNotFound();
  return listDeliveries(deps.db, { endpointId: id, limit: 100 });
}
