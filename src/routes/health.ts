import { Hono } from "hono";
import type { AppEnv } from "../deps";
import { checkReadiness } from "../services/health/readiness";

/**
 * `/healthz` (liveness) touches nothing but the process: a slow or lost database must not get a
 * serving process restarted. `/readyz` (readiness) decides whether traffic should come here.
 */
export const healthRoutes = new Hono<AppEnv>()
  .get("/healthz", (c) => c.json({ ok: true }))
  .get("/readyz", async (c) => c.json({ ok: true, ...(await checkReadiness(c.env.deps)) }));
