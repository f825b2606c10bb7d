import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { teams } from "./teams";

export const WEBHOOK_EVENT_TYPES = [
  "member.imported",
  "member.joined",
  "member.updated",
  "member.moved",
  "member.locked",
  "member.removed",
  "member.restored",
  "member.deauthorized",
  "department.created",
  "department.updated",
  "department.deleted",
  "sync.succeeded",
  "sync.failed",
  "sync.needs_confirmation",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** `pending` until a 2xx answer (`delivered`) or the retry schedule ran out (`failed`). */
export const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** An application's URL that receives a team's events, signed with its own secret (sealed). */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    teamId: bigint("team_id", { mode: "number" })
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    /** The event types sent; null: every type. */
    events: text("events").array(),
    secretSealed: text("secret_sealed").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    /** The first failed attempt since the last success: a day of failures disables the endpoint. */
    failingSince: timestamp("failing_since", { withTimezone: true }),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
  },
  (t) => [index("webhook_endpoints_team").on(t.teamId)],
);

/**
 * The outbox, as written in the transaction of the change it reports: one row per audit
 * statement of a team with an endpoint, naming that statement's audit rows that report events, in
 * the order they happened (a trigger on audit_log), or holding a job's outcome event (the job
 * runner). A sender fans it out into events and deliveries and deletes it, building each event
 * from its audit row there (docs/webhooks.md#the-outbox): an import's transactions write one row
 * per page here, not an event and a delivery per member.
 */
export const webhookBatches = pgTable("webhook_batches", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  teamId: bigint("team_id", { mode: "number" })
    .notNull()
    .references(() => teams.id, { onDelete: "cascade" }),
  /** The audit rows whose events this batch holds, in order. */
  auditIds: bigint("audit_ids", { mode: "number" }).array(),
  /**
   * `{auditId: member}` for member events other than an import's: the member as the change's
   * transaction left it, which the audit row does not hold.
   */
  snapshots: jsonb("snapshots").$type<Record<string, Record<string, unknown>>>(),
  /** Events built by their writer, not taken from audit rows (a job's outcome): `[{type, subject, data, at}]`. */
  events: jsonb("events").$type<{ type: WebhookEventType; subject: string; data: Record<string, unknown>; at: string }[]>(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
});

/** The events fanned out of the batches, one row per event. `eventId` is the stable `webhook-id`. */
export const webhookEvents = pgTable("webhook_events", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  eventId: text("event_id").notNull().unique(),
  teamId: bigint("team_id", { mode: "number" })
    .notNull()
    .references(() => teams.id, { onDelete: "cascade" }),
  type: text("type").$type<WebhookEventType>().notNull(),
  /** What the event is about ("member:<id>"): deliveries to one endpoint keep this order. */
  subject: text("subject").notNull(),
  data: jsonb("data").$type<Record<string, unknown>>().notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
});

/** One event to one endpoint: its attempts and the last answer (the delivery log). */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventId: bigint("event_id", { mode: "number" })
      .notNull()
      .references(() => webhookEvents.id, { onDelete: "cascade" }),
    subject: text("subject").notNull(),
    status: text("status").$type<DeliveryStatus>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull(),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lastStatus: integer("last_status"),
    lastLatencyMs: integer("last_latency_ms"),
    lastResponse: text("last_response"),
    lastError: text("last_error"),
    lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
  },
  (t) => [
    // The sender walks the pending deliveries in id order, each claim from where the last one left
    // off: the entries that delivered rows leave here until a vacuum stay behind it
    // (docs/webhooks.md#claim-cost).
    index("webhook_deliveries_pending")
      .on(t.id)
      .where(sql`${t.status} = 'pending'`),
    // The claim's per-subject order check (an earlier pending delivery of the same subject to the
    // same endpoint), over pending rows only. Subject first: an endpoint's backlog is walked by
    // webhook_deliveries_pending in id order, never through this index (which a planner with stale
    // statistics chose, then sorted every pending row on each claim).
    index("webhook_deliveries_order")
      .on(t.subject, t.endpointId, t.id)
      .where(sql`${t.status} = 'pending'`),
    // Every delivery of one endpoint, delivered ones too: deleting an endpoint cascades to them (a
    // scan of the whole table without it), and the delivery log reads an endpoint's newest by id.
    index("webhook_deliveries_endpoint").on(t.endpointId, t.id),
    // Pruning the log deletes events whose deliveries are gone: the foreign key's cascade looks up
    // deliveries by event, a scan of the whole table per event without it. Written as batches are
    // fanned out, outside the transactions of the changes (docs/webhooks.md#retention).
    index("webhook_deliveries_event").on(t.eventId),
  ],
);
