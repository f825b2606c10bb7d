import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import type { AppEnv } from "../deps";
import { AppError } from "../errors";
import { safeEqual } from "../security/constant-time";
import { collectStats } from "../services/ops/stats";
import { bearerToken, operatorOnly } from "./operator-auth";
import { operation } from "./operation";
import { Stats } from "./responses/ops";

/**
 * Times every request by its route pattern (`/api/teams/:slug/jobs/:id`), never the raw path, so
 * the series stay few whatever the URLs. Unmatched paths share one label.
 */
export const httpMetrics = createMiddleware<AppEnv>(async (c, next) => {
  const metrics = c.env.deps.metrics;
  if (!metrics) return next();
  const started = performance.now();
  try {
    await next();
  } finally {
    const path = routePath(c);
    const route = path === "*" || path === "/*" || path === "" ? "unmatched" : path;
    metrics.httpRequest({ method: c.req.method, route, status: c.res.status, seconds: (performance.now() - started) / 1000 });
  }
});

const notFound = () => new AppError("not_found", "未找到 / Not found");

export const opsRoutes = new Hono<AppEnv>()
  /**
   * Prometheus text, behind its own bearer token (a scraper should not hold ADMIN_TOKEN). Without
   * METRICS_TOKEN, or where the runtime keeps no counters (Workers), the path does not exist.
   */
  .get(
    "/metrics",
    operation({
      summary: "Prometheus text (Node, METRICS_TOKEN)",
      tags: ["Operations"],
      access: "metrics",
      ok: { status: 200, description: "text/plain; version=0.0.4" },
    }),
    async (c) => {
      const { config, metrics } = c.env.deps;
      if (!config.metricsToken || !metrics?.render) throw notFound();
      const token = bearerToken(c);
      if (token === undefined || !safeEqual(token, config.metricsToken)) {
        throw new AppError("unauthorized", "需要有效的指标令牌 / A valid metrics token is required");
      }
      const out = await metrics.render(await collectStats(c.env.deps));
      return c.body(out.body, 200, { "content-type": out.contentType });
    },
  )
  .use("/api/operator/*", operatorOnly)
  .get(
    "/api/operator/stats",
    operation({
      summary: "The database counts as JSON",
      tags: ["Operations"],
      access: "operator",
      ok: { status: 200, description: "the counts behind /metrics", body: Stats },
    }),
    async (c) => c.json(await collectStats(c.env.deps)),
  );
