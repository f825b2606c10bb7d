import { Hono } from "hono";
import type { AppEnv } from "../deps";
import { checkReadiness } from "../services/health/readiness";
import { operation } from "./operation";
import { Alive, Ready } from "./responses/ops";

/**
 * `/healthz` (liveness) touches nothing but the process: a slow or lost database must not get a
 * serving process restarted. `/readyz` (readiness) decides whether traffic should come here.
 */
export const healthRoutes = new Hono<AppEnv>()
  .get(
    "/healthz",
    operation({
      summary: "Liveness: the process serves",
      tags: ["Operations"],
      access: "public",
      ok: { status: 200, description: "{ok: true}", body: Alive },
    }),
    (c) => c.json({ ok: true }),
  )
  .get(
    "/readyz",
    operation({
      summary: "Readiness: database answers, migrations applied, not stopping",
      tags: ["Operations"],
      access: "public",
      ok: { status: 200, description: "{ok: true, migrations}", body: Ready },
      errors: ["database_unavailable", "migrations_pending", "shutting_down"],
    }),
    async (c) => c.json({ ok: true, ...(await checkReadiness(c.env.deps)) }),
  );
