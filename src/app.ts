import { Hono } from "hono";
import { requestId } from "hono/request-id";
import type { AppEnv } from "./deps";
import { accountRoutes } from "./routes/api/accounts";
import { teamApiRoutes } from "./routes/api/team-api";
import { openApiRoutes } from "./routes/api/openapi";
import { healthRoutes } from "./routes/health";
import { jsonError } from "./routes/json-errors";
import { httpMetrics, opsRoutes } from "./routes/ops";
import { requestLogger } from "./routes/request-context";
import { authPageRoutes } from "./routes/pages/auth";
import { consoleRoutes } from "./routes/pages/console";
import { frontPageRoutes, notFound } from "./routes/pages/front";
import { joinPageRoutes } from "./routes/pages/join";
import { settingsPageRoutes } from "./routes/pages/settings";
import { setupPageRoutes } from "./routes/pages/setup";
import { jobPageRoutes } from "./routes/pages/job-progress";
import { wecomCallbackRoutes } from "./routes/wecom-callback";

/** Builds the app; no side effects. Deps arrive per request: `app.fetch(req, { deps })`. */
export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(httpMetrics);
  app.use(requestId());
  app.use(requestLogger);
  // Served over https, browsers are told to come back only over https (a year): no first plain-http
  // request on a hostile network can strip the Secure, __Host- session. Over http it would be ignored.
  app.use("*", async (c, next) => {
    await next();
    if (c.env.deps.config.publicUrl.startsWith("https:")) c.res.headers.set("Strict-Transport-Security", "max-age=31536000");
  });
  app.route("/", healthRoutes);
  app.route("/", opsRoutes);
  app.route("/", teamApiRoutes);
  app.route("/", accountRoutes);
  app.route("/", openApiRoutes(app));
  app.route("/", wecomCallbackRoutes);
  app.route("/", jobPageRoutes);
  app.route("/", authPageRoutes);
  app.route("/", consoleRoutes);
  app.route("/", joinPageRoutes);
  app.route("/", settingsPageRoutes);
  app.route("/", setupPageRoutes);
  app.route("/", frontPageRoutes);
  app.notFound(notFound);
  app.onError(jsonError);
  return app;
}
