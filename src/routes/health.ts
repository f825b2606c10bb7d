import { sql } from "drizzle-orm";
import { Hono } from "hono";
import type { AppEnv } from "../deps";

export const healthRoutes = new Hono<AppEnv>().get("/healthz", async (c) => {
  try {
    await c.env.deps.db.execute(sql`select 1`);
    return c.json({ ok: true });
  } catch (err) {
    c.env.deps.logger.error("health check failed", { error: err });
    return c.json({ ok: false, error: { code: "database_unavailable", message: "数据库无响应 / Database not answering" } }, 503);
  }
});
