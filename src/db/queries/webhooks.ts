import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { webhookDeliveries, webhookEndpoints, webhookEvents, type WebhookEventType } from "../schema";
import type { Db } from "../types";
import { deleteOldest } from "./delete-oldest";
import { arr, rowsOf } from "./sql-arrays";

export type EndpointRow = typeof webhookEndpoints.$inferSelect;

export async function insertEndpoint(db: Db, row: typeof webhookEndpoints.$inferInsert): Promise<EndpointRow> {
  const [inserted] = await db.insert(webhookEndpoints).values(row).returning();
  return inserted!;
}

export async function listEndpoints(db: Db, p: { teamId: number }): Promise<EndpointRow[]> {
  return db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.teamId, p.teamId))
    .orderBy(webhookEndpoints.createdAt, webhookEndpoints.id);
}

export async function findEndpoint(db: Db, p: { teamId: number; id: string }): Promise<EndpointRow | null> {
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.teamId, p.teamId), eq(webhookEndpoints.id, p.id)));
  return row ?? null;
}

export async function deleteEndpoint(db: Db, p: { teamId: number; id: string }): Promise<boolean> {
  const gone = await db
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.teamId, p.teamId), eq(webhookEndpoints.id, p.id)))
    .returning({ id: webhookEndpoints.id });
  return gone.length > 0;
}

export interface DeliveryLogRow {
  id: number;
  eventId: string;
  type: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastLatencyMs: number | null;
  lastResponse: string | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  createdAt: Date;
}

export async function listDeliveries(db: Db, p: { endpointId: string; limit: number }): Promise<DeliveryLogRow[]> {
  const d = webhookDeliveries;
  return db
    .select({
      id: d.id,
      eventId: webhookEvents.eventId,
      type: webhookEvents.type,
      status: d.status,
      attempts: d.attempts,
      lastStatus: d.lastStatus,
      lastLatencyMs: d.lastLatencyMs,
      lastResponse: d.lastResponse,
      lastError: d.lastError,
      lastAttemptAt: d.lastAttemptAt,
      nextAttemptAt: d.nextAttemptAt,
      deliveredAt: d.deliveredAt,
      createdAt: d.createdAt,
    })
    .from(d)
    .innerJoin(webhookEvents, eq(webhookEvents.id, d.eventId))
    .where(eq(d.endpointId, p.endpointId))
    .orderBy(desc(d.id))
    .limit(p.limit);
}

/**
 * Endpoint `e` is enabled, of the team, and takes the event type (docs/webhooks.md#endpoints:
 * `events` null takes every type): the one rule for who gets an event, wherever it is queued.
 */
const endpointTakes = (team: SQL, type: SQL) =>
  sql`e.team_id = ${team} and e.disabled_at is null and (e.events is null or ${type} = any (e.events))`;

/**
 * An event the audit trigger does not see (a job's outcome), as a batch of its own in the
 * outbox, fanned out after the batches before it (docs/webhooks.md#the-outbox); callers pass the
 * transaction of the change it reports. Nothing when no enabled endpoint of the team takes the type.
 */
export async function appendWebhookEvent(
  db: Db,
  p: { teamId: number; type: WebhookEventType; subject: string; data: Record<string, unknown>; at: Date },
): Promise<void> {
  const at = p.at.toISOString();
  const event = { type: p.type, subject: p.subject, data: p.data, at };
  await db.execute(sql`
    insert into webhook_batches (team_id, events, created_at)
    select ${p.teamId}, ${JSON.stringify([event])}::jsonb, ${at}::timestamptz
    where exists (select 1 from webhook_endpoints e where ${endpointTakes(sql`${p.teamId}`, sql`${p.type}`)})`);
}

/**
 * The webhook event type an audit row reports (docs/webhooks.md#events); the outbox trigger keeps
 * only rows that report one, a member.deprovisioned only with a status that is an event's.
 */
const eventTypeOfAudit = sql.raw(`case
  when a.action = 'member.created' then 'member.imported'
  when a.action in ('member.joined', 'member.updated', 'member.moved', 'member.restored') then a.action
  when a.action = 'member.unlocked' then 'member.restored'
  when a.action = 'member.deprovisioned' then 'member.' || (a.after->>'status')
  when a.action in ('department.created', 'department.updated', 'department.deleted') then a.action
  when a.action = 'department.moved' then 'department.updated'
end`);

/** The advisory lock ("whfo") one fan-out holds at a time: deliveries are numbered in batch order. */
const FANOUT_LOCK = 0x7768666f;

/**
 * Turns the oldest `limit` outbox batches into events and pending deliveries to the team's
 * enabled endpoints that take their types, and deletes them (docs/webhooks.md#the-outbox).
 * One fan-out at a time across instances, in batch order, so an endpoint's deliveries about one
 * subject are numbered in the order the events happened; the claim keeps that order. Answers
 * how many batches it took, or null when another transaction is fanning out.
 */
export async function fanOutBatches(tx: Db, p: { limit: number }): Promise<number | null> {
  const [lock] = rowsOf<{ ok: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(${FANOUT_LOCK}) as ok`));
  if (!lock?.ok) return null;
  const [row] = rowsOf<{ batches: number | string }>(
    await tx.execute(sql`
      with b as (
        delete from webhook_batches where id in (select id from webhook_batches order by id limit ${p.limit})
        returning id, team_id, audit_ids, snapshots, events
      ), x as (
        select b.id as batch, u.n, b.team_id, ${eventTypeOfAudit} as type, a.subject_type || ':' || a.subject_id as subject,
          case
            when a.action = 'member.created' then
              jsonb_build_object('memberId', a.subject_id::bigint, 'wecomUserId', a.after->'wecomUserId', 'name', a.after->'name',
                'status', 'imported', 'departmentIds', a.after->'departmentIds', 'mainDepartmentId', a.after->'mainDepartmentId', 'jobId', a.job_id)
            when a.subject_type = 'member' then
              coalesce(b.snapshots->(a.id::text), jsonb_build_object('memberId', a.subject_id::bigint)) || jsonb_build_object('jobId', a.job_id)
            else jsonb_build_object('departmentId', a.subject_id::bigint, 'jobId', a.job_id) || coalesce(a.after, a.before, '{}'::jsonb)
          end as data,
          a.at
        from b cross join lateral unnest(b.audit_ids) with ordinality as u(audit_id, n)
        join audit_log a on a.id = u.audit_id
        union all
        select b.id, e.n, b.team_id, e.v->>'type', e.v->>'subject', e.v->'data', (e.v->>'at')::timestamptz
        from b cross join lateral jsonb_array_elements(b.events) with ordinality as e(v, n)
      ), ev as (
        insert into webhook_events (event_id, team_id, type, subject, data, created_at)
        select 'msg_' || replace(gen_random_uuid()::text, '-', ''), x.team_id, x.type, x.subject, x.data, x.at
        from x
        where x.type is not null and exists (select 1 from webhook_endpoints e where ${endpointTakes(sql`x.team_id`, sql`x.type`)})
        order by x.batch, x.n
        returning id, team_id, type, subject, created_at
      ), queued as (
        insert into webhook_deliveries (endpoint_id, event_id, subject, status, attempts, next_attempt_at, created_at)
        select e.id, ev.id, ev.subject, 'pending', 0, ev.created_at, ev.created_at
        from ev join webhook_endpoints e on ${endpointTakes(sql`ev.team_id`, sql`ev.type`)}
        order by ev.id, e.id
      )
      select count(*) as batches from b`),
  );
  return Number(row?.batches ?? 0);
}

export interface DueDelivery {
  id: number;
  attempts: number;
  endpointId: string;
  url: string;
  secretSealed: string;
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  createdAt: Date;
}

/** Ids a claim looks at, from the first pending one past the walk's position, unless told otherwise. */
export const CLAIM_WINDOW = 512;

export interface Claim {
  due: DueDelivery[];
  /** Where the walk stands after this claim (pass it as `after` next); null: no pending delivery past `after`. */
  walkedTo: number | null;
}

/**
 * Claims due deliveries under a lease, at most one per (endpoint, subject): the earliest one
 * pending, so an endpoint receives the events about one member in the order they happened, and
 * a later event waits while an earlier one is being retried. Counts the attempt as it claims.
 *
 * A sender walks the pending deliveries forward (docs/webhooks.md#claim-cost): a claim looks at
 * the ids from the first pending one past `after` (0: from the start) to `window` further, so it
 * does not step over the index entries that earlier claims' deliveries left dead, and costs a
 * window's rows at most even when a planner with stale statistics sorts them instead of walking
 * the index in order (it sorted every pending delivery, joined from the endpoint, on each claim).
 */
export async function claimDueDeliveries(
  db: Db,
  p: { now: Date; leaseUntil: Date; limit: number; after: number; window?: number },
): Promise<Claim> {
  const window = p.window ?? CLAIM_WINDOW;
  const now = p.now.toISOString();
  const rows = rowsOf<{
    window_end: string | number | null;
    id: string | number | null;
    attempts: number;
    endpoint_id: string;
    url: string;
    secret_sealed: string;
    event_id: string;
    type: string;
    data: Record<string, unknown> | string;
    created_at: string | Date;
  }>(
    await db.execute(sql`
      with lo as (
        select min(id) as id from webhook_deliveries where status = 'pending' and id > ${p.after}::bigint
      ), due as (
        select d.id from webhook_deliveries d
        where d.status = 'pending' and d.id >= (select id from lo) and d.id < (select id from lo) + ${window}::bigint
          and d.next_attempt_at <= ${now}::timestamptz and (d.locked_until is null or d.locked_until <= ${now}::timestamptz)
          and (select e.disabled_at is null from webhook_endpoints e where e.id = d.endpoint_id)
          and (select 1 from webhook_deliveries b
            where b.subject = d.subject and b.endpoint_id = d.endpoint_id and b.status = 'pending' and b.id < d.id limit 1) is null
        order by d.id
        limit ${p.limit}
        for update of d skip locked
      ), claimed as (
        update webhook_deliveries d set locked_until = ${p.leaseUntil.toISOString()}::timestamptz, attempts = d.attempts + 1
        from due where d.id = due.id
        returning d.id, d.attempts, d.endpoint_id, d.event_id
      )
      select lo.id + ${window - 1}::bigint as window_end, c.*
      from lo left join (
        select c.id, c.attempts, c.endpoint_id, e.url, e.secret_sealed, v.event_id, v.type, v.data, v.created_at
        from claimed c join webhook_endpoints e on e.id = c.endpoint_id join webhook_events v on v.id = c.event_id
      ) c on true
      order by c.id`),
  );
  const due = rows
    .filter((r) => r.id !== null)
    .map((r) => ({
      id: Number(r.id),
      attempts: Number(r.attempts),
      endpointId: r.endpoint_id,
      url: r.url,
      secretSealed: r.secret_sealed,
      eventId: r.event_id,
      type: r.type,
      data: typeof r.data === "string" ? (JSON.parse(r.data) as Record<string, unknown>) : r.data,
      createdAt: new Date(r.created_at),
    }));
  const windowEnd = rows[0]?.window_end ?? null;
  // A full claim may have left rows of the window unseen: the walk stands at its last one.
  const walkedTo = windowEnd === null ? null : due.length === p.limit ? due.at(-1)!.id : Number(windowEnd);
  return { due, walkedTo };
}

export interface AttemptResult {
  id: number;
  endpointId: string;
  at: Date;
  status: number | null;
  latencyMs: number;
  response: string | null;
  error: string | null;
}

/**
 * A batch's successful attempts, in one statement: the deliveries done, and their endpoints no
 * longer failing (written only when one was, so a busy endpoint's row is not rewritten per event).
 */
export async function markDelivered(db: Db, rs: readonly AttemptResult[]): Promise<void> {
  if (rs.length === 0) return;
  await db.execute(sql`
    with r as (
      select * from unnest(${arr(rs.map((r) => r.id))}::bigint[], ${arr(rs.map((r) => r.at.toISOString()))}::text[], ${arr(rs.map((r) => r.status))}::int[],
        ${arr(rs.map((r) => r.latencyMs))}::int[], ${arr(rs.map((r) => r.response))}::text[]) as r(id, at, status, latency_ms, response)
    ), done as (
      update webhook_deliveries d set status = 'delivered', delivered_at = r.at::timestamptz, locked_until = null, last_status = r.status,
        last_latency_ms = r.latency_ms, last_response = r.response, last_error = null, last_attempt_at = r.at::timestamptz
      from r where d.id = r.id
      returning d.endpoint_id
    )
    update webhook_endpoints e set failing_since = null
    where e.failing_since is not null and e.id in (select endpoint_id from done)`);
}

/**
 * A failed attempt: retried at `nextAttemptAt`, or `failed` when there is none. The endpoint
 * remembers since when it fails; failing for `disableAfterMs` disables it. Answers whether it did.
 */
export async function markAttemptFailed(
  db: Db,
  r: AttemptResult & { nextAttemptAt: Date | null; disableAfterMs: number },
): Promise<boolean> {
  await db
    .update(webhookDeliveries)
    .set({
      status: r.nextAttemptAt ? "pending" : "failed",
      nextAttemptAt: r.nextAttemptAt ?? r.at,
      lockedUntil: null,
      lastStatus: r.status,
      lastLatencyMs: r.latencyMs,
      lastResponse: r.response,
      lastError: r.error,
      lastAttemptAt: r.at,
    })
    .where(eq(webhookDeliveries.id, r.id));
  const at = r.at.toISOString();
  const [row] = rowsOf<{ disabled: boolean }>(
    await db.execute(sql`
      update webhook_endpoints set
        failing_since = coalesce(failing_since, ${at}::timestamptz),
        disabled_at = case
          when disabled_at is null and coalesce(failing_since, ${at}::timestamptz) <= ${at}::timestamptz - make_interval(secs => ${r.disableAfterMs / 1000})
          then ${at}::timestamptz else disabled_at end
      where id = ${r.endpointId}
      returning disabled_at is not null and disabled_at = ${at}::timestamptz as disabled`),
  );
  return row?.disabled ?? false;
}

/**
 * "Send again": a new pending delivery of a logged delivery's event to the same endpoint, due now.
 * It keeps the event's `webhook-id`, and waits behind earlier pending events about the same subject.
 * Null when the delivery is not the endpoint's, or one of that event is still pending there: asked
 * by the event's subject, through webhook_deliveries_order (event_id has no index of its own).
 */
export async function requeueDelivery(
  db: Db,
  p: { endpointId: string; deliveryId: number; now: Date },
): Promise<{ id: number; eventId: string } | null> {
  const now = p.now.toISOString();
  const [row] = rowsOf<{ id: string | number; event_id: string }>(
    await db.execute(sql`
      with src as (
        select d.event_id, d.subject from webhook_deliveries d
        where d.id = ${p.deliveryId} and d.endpoint_id = ${p.endpointId}
          and not exists (
            select 1 from webhook_deliveries o
            where o.subject = d.subject and o.endpoint_id = d.endpoint_id and o.status = 'pending' and o.event_id = d.event_id)
      ), added as (
        insert into webhook_deliveries (endpoint_id, event_id, subject, status, attempts, next_attempt_at, created_at)
        select ${p.endpointId}, src.event_id, src.subject, 'pending', 0, ${now}::timestamptz, ${now}::timestamptz from src
        returning id, event_id
      )
      select added.id, v.event_id from added join webhook_events v on v.id = added.event_id`),
  );
  return row ? { id: Number(row.id), eventId: row.event_id } : null;
}

export async function findDelivery(db: Db, p: { endpointId: string; deliveryId: number }): Promise<{ id: number; status: string } | null> {
  const [row] = await db
    .select({ id: webhookDeliveries.id, status: webhookDeliveries.status })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.endpointId, p.endpointId), eq(webhookDeliveries.id, p.deliveryId)));
  return row ?? null;
}

/** Lifts a disable: the endpoint receives new events again and its pending deliveries resume. */
export async function enableEndpoint(db: Db, p: { teamId: number; id: string }): Promise<EndpointRow | null> {
  const [row] = await db
    .update(webhookEndpoints)
    .set({ disabledAt: null, failingSince: null })
    .where(and(eq(webhookEndpoints.teamId, p.teamId), eq(webhookEndpoints.id, p.id)))
    .returning();
  return row ?? null;
}

/** The endpoint's team, for telling its admins. */
export async function endpointById(db: Db, p: { id: string }): Promise<EndpointRow | null> {
  const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, p.id));
  return row ?? null;
}

/**
 * One round of pruning the delivery log (docs/webhooks.md#retention): at most `limit` finished
 * deliveries (delivered or failed) made before `before`, then at most `limit` events from before
 * then that no delivery refers to any more. Pending deliveries and their events stay, however old.
 */
export async function pruneDeliveryLog(db: Db, p: { before: Date; limit: number }): Promise<{ deliveries: number; events: number }> {
  const before = p.before.toISOString();
  const deliveries = await deleteOldest(db, {
    table: "webhook_deliveries",
    where: sql`webhook_deliveries.status <> 'pending' and webhook_deliveries.created_at < ${before}::timestamptz`,
    limit: p.limit,
  });
  const events = await deleteOldest(db, {
    table: "webhook_events",
    where: sql`webhook_events.created_at < ${before}::timestamptz
      and not exists (select 1 from webhook_deliveries o where o.event_id = webhook_events.id)`,
    limit: p.limit,
  });
  return { deliveries, events };
}
