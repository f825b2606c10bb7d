import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { promMetrics } from "../../src/entry/prom-metrics";
import type { OpsStats } from "../../src/metrics";
import { apiClient, boundTeam, OPERATOR } from "../helpers/api";
import { postCallback, textXml } from "../helpers/callbacks";
import { testDeps, type TestDeps } from "../helpers/deps";
import { control } from "../helpers/emulator";
import { parsePrometheus, valueOf, type Sample } from "../helpers/prometheus";
import { syncNow } from "../helpers/sync";
import { openTestDb } from "../helpers/test-db";

const METRICS_TOKEN = "metrics-token-0123456789";
const SCRAPER = { authorization: `Bearer ${METRICS_TOKEN}` };

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  opened = await openTestDb();
  deps = testDeps(opened.db, { env: { METRICS_TOKEN }, metrics: promMetrics() });
  api = apiClient(deps);
  await boundTeam(deps, "metrics");
});
afterAll(async () => opened.close());

async function scrape(): Promise<Sample[]> {
  const res = await api.request("/metrics", { headers: SCRAPER });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  return parsePrometheus(await res.text());
}

describe("GET /metrics", () => {
  it("does not exist without METRICS_TOKEN", async () => {
    const bare = testDeps(opened.db, { metrics: promMetrics() });
    const res = await apiClient(bare).request("/metrics", { headers: SCRAPER });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it.each([
    ["no header", {}],
    ["the admin token", OPERATOR],
    ["a wrong token", { authorization: "Bearer metrics-token-0123456788" }],
  ])("answers 401 with %s", async (_name, headers) => {
    const res = await api.request("/metrics", { headers });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } });
  });

  it("answers Prometheus text whose counts move with a sync, a callback and a WeCom error", async () => {
    const before = await scrape();
    expect(valueOf(before, "wecom_roster_members", { team: "metrics" })).toBe(0);

    expect((await syncNow(deps, "metrics")).state).toBe("succeeded");
    const synced = await scrape();
    expect(valueOf(synced, "wecom_roster_members", { team: "metrics" })).toBeGreaterThan(0);
    expect(valueOf(synced, "wecom_roster_members", { team: "metrics", status: "imported" })).toBe(
      valueOf(synced, "wecom_roster_members", { team: "metrics" }),
    );
    expect(valueOf(synced, "wecom_roster_sync_jobs_finished_total", { outcome: "succeeded" })).toBe(
      valueOf(before, "wecom_roster_sync_jobs_finished_total", { outcome: "succeeded" }) + 1,
    );
    expect(valueOf(synced, "wecom_roster_sync_job_duration_seconds_count", { outcome: "succeeded" })).toBe(1);
    expect(valueOf(synced, "wecom_roster_sync_jobs", { team: "metrics", state: "succeeded" })).toBe(1);
    expect(valueOf(synced, "wecom_roster_wecom_calls_total", { errcode: "0" })).toBeGreaterThan(
      valueOf(before, "wecom_roster_wecom_calls_total", { errcode: "0" }),
    );
    expect(valueOf(synced, "wecom_roster_wecom_token_refreshes_total", { outcome: "ok" })).toBeGreaterThanOrEqual(1);
    expect(valueOf(synced, "wecom_roster_wecom_budget_used_ratio", { window: "minute" })).toBeGreaterThan(0);
    expect(
      valueOf(synced, "wecom_roster_http_request_duration_seconds_count", {
        route: "/api/teams/:slug/sync",
        method: "POST",
        status: "202",
      }),
    ).toBe(1);

    const message = textXml(deps, "帮助");
    expect((await postCallback(deps, "metrics", message)).status).toBe(200);
    expect((await postCallback(deps, "metrics", message)).status).toBe(200);
    expect((await postCallback(deps, "metrics", message, { nonce: "1", timestamp: "1" })).status).toBe(401);
    const called = await scrape();
    expect(valueOf(called, "wecom_roster_callbacks_received_total", { team: "metrics", outcome: "stored" })).toBe(1);
    expect(valueOf(called, "wecom_roster_callbacks_received_total", { team: "metrics", outcome: "duplicate" })).toBe(1);
    expect(valueOf(called, "wecom_roster_callbacks_rejected_total")).toBe(1);
    expect(valueOf(called, "wecom_roster_callbacks", { team: "metrics", status: "pending" })).toBe(1);
    expect(valueOf(called, "wecom_roster_inbox_oldest_pending_seconds", { team: "metrics" })).toBeGreaterThanOrEqual(0);
    await deps.deferred.flush();
    const handled = await scrape();
    expect(valueOf(handled, "wecom_roster_callbacks", { team: "metrics", status: "pending" })).toBe(0);
    expect(valueOf(handled, "wecom_roster_callbacks", { team: "metrics", status: "processed" })).toBe(1);

    await control(deps, "POST", "/_emulator/faults", { api: "*", errcode: 60011, times: 1 });
    expect((await syncNow(deps, "metrics")).state).toBe("failed");
    const failed = await scrape();
    expect(valueOf(failed, "wecom_roster_wecom_calls_total", { errcode: "60011" })).toBe(1);
    expect(valueOf(failed, "wecom_roster_sync_jobs_finished_total", { outcome: "failed" })).toBe(1);
    expect(valueOf(failed, "wecom_roster_sync_jobs", { team: "metrics", state: "failed" })).toBe(1);
  });
});

describe("GET /api/operator/stats", () => {
  it("answers the database counts as JSON to the operator", async () => {
    const res = await api.json("GET", "/api/operator/stats");
    expect(res.status).toBe(200);
    const stats = (await res.json()) as OpsStats;
    const team = stats.teams.find((t) => t.slug === "metrics");
    expect(team).toBeDefined();
    expect(team!.members.imported).toBeGreaterThan(0);
    expect(team!.jobs).toMatchObject({ succeeded: 1, failed: 1 });
    expect(team!.callbacks.processed).toBe(1);
    expect(team!.inboxOldestPendingSeconds).toBeNull();
  });

  it("answers 401 without the admin token", async () => {
    const res = await api.json("GET", "/api/operator/stats", undefined, {});
    expect(res.status).toBe(401);
  });
});
