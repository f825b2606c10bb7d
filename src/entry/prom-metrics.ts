import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Metrics, OpsStats } from "../metrics";

const P = "wecom_roster_";

/**
 * Node's counters in a prom-client registry of their own (not prom-client's global one, so two
 * apps in one process, as in the tests, do not share counts). Gauges that describe the database
 * are set from OpsStats at each scrape, so every instance reports the same shared state.
 */
export function promMetrics(opts: { processMetrics?: boolean } = {}): Metrics & { registry: Registry } {
  const registry = new Registry();
  if (opts.processMetrics) collectDefaultMetrics({ register: registry, prefix: P });
  const registers = [registry];

  const http = new Histogram({
    name: `${P}http_request_duration_seconds`,
    help: "HTTP requests by route pattern, method and status",
    labelNames: ["method", "route", "status"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const callbacksReceived = new Counter({
    name: `${P}callbacks_received_total`,
    help: "Verified WeCom callbacks by team and outcome (stored, duplicate)",
    labelNames: ["team", "outcome"],
    registers,
  });
  const callbacksRejected = new Counter({
    name: `${P}callbacks_rejected_total`,
    help: "Callbacks refused before storing, by error code",
    labelNames: ["code"],
    registers,
  });
  const jobs = new Counter({
    name: `${P}sync_jobs_finished_total`,
    help: "Sync jobs finished in this process, by outcome",
    labelNames: ["outcome"],
    registers,
  });
  const jobDuration = new Histogram({
    name: `${P}sync_job_duration_seconds`,
    help: "Sync job duration from creation to its outcome",
    labelNames: ["outcome"],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
    registers,
  });
  const wecomCalls = new Counter({
    name: `${P}wecom_calls_total`,
    help: "HTTP exchanges with WeCom by API and errcode (or http_<status>, transport)",
    labelNames: ["api", "errcode"],
    registers,
  });
  const tokenRefreshes = new Counter({
    name: `${P}wecom_token_refreshes_total`,
    help: "gettoken refreshes by outcome",
    labelNames: ["outcome"],
    registers,
  });

  const webhooks = new Counter({
    name: `${P}webhook_attempts_total`,
    help: "Webhook delivery attempts by outcome (delivered, retry, failed)",
    labelNames: ["outcome"],
    registers,
  });
  const inbox = new Gauge({
    name: `${P}callbacks`,
    help: "Stored callbacks (inbox rows) by team and status",
    labelNames: ["team", "status"],
    registers,
  });
  const inboxAge = new Gauge({
    name: `${P}inbox_oldest_pending_seconds`,
    help: "Age of the oldest callback not handled yet, per team (0 when none waits)",
    labelNames: ["team"],
    registers,
  });
  const members = new Gauge({ name: `${P}members`, help: "Members by team and status", labelNames: ["team", "status"], registers });
  const jobStates = new Gauge({
    name: `${P}sync_jobs`,
    help: "Sync jobs in the database by team and state",
    labelNames: ["team", "state"],
    registers,
  });
  const budget = new Gauge({
    name: `${P}wecom_budget_used_ratio`,
    help: "Share of our own per-API WeCom budget spent in the current window",
    labelNames: ["corp", "api", "window"],
    registers,
  });

  const setGauges = (stats: OpsStats) => {
    for (const g of [inbox, inboxAge, members, jobStates, budget]) g.reset();
    for (const t of stats.teams) {
      for (const [status, n] of Object.entries(t.callbacks)) inbox.set({ team: t.slug, status }, n);
      inboxAge.set({ team: t.slug }, t.inboxOldestPendingSeconds ?? 0);
      for (const [status, n] of Object.entries(t.members)) members.set({ team: t.slug, status }, n);
      for (const [state, n] of Object.entries(t.jobs)) jobStates.set({ team: t.slug, state }, n);
    }
    for (const w of stats.wecomBudget) budget.set({ corp: w.corpId, api: w.api, window: w.window }, w.limit > 0 ? w.calls / w.limit : 0);
  };

  return {
    registry,
    httpRequest: (p) => http.observe({ method: p.method, route: p.route, status: String(p.status) }, p.seconds),
    callbackReceived: (p) => callbacksReceived.inc({ team: p.team, outcome: p.outcome }),
    callbackRejected: (p) => callbacksRejected.inc({ code: p.code }),
    syncJobFinished: (p) => {
      jobs.inc({ outcome: p.outcome });
      jobDuration.observe({ outcome: p.outcome }, p.seconds);
    },
    wecomCall: (p) => wecomCalls.inc({ api: p.api, errcode: p.outcome }),
    tokenRefresh: (p) => tokenRefreshes.inc({ outcome: p.outcome }),
    webhookDelivery: (p) => webhooks.inc({ outcome: p.outcome }),
    async render(stats) {
      setGauges(stats);
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
