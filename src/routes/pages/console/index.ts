import { Hono } from "hono";
import type { AppEnv } from "../../../deps";
import { AppError } from "../../../errors";
import { FAILED_MESSAGE } from "../form-kit";
import { auditConsole } from "./audit";
import { bindingConsole } from "./binding";
import { directoryConsole } from "./directory";
import { statusPage } from "./gate";
import { matchConsole } from "./match";
import { memberAccessConsole } from "./member-access";
import { policyConsole } from "./policy";
import { syncConsole } from "./sync";
import { teamsConsole } from "./teams";
import { webhooksConsole } from "./webhooks";

/**
 * The admin console (docs/http-api.md#html-pages): server-rendered pages under /teams, Chinese first and English,
 * forms that work without JavaScript (CSRF on every post), live progress where a person waits.
 * Errors on these pages are pages, not JSON.
 */
export const consoleRoutes = new Hono<AppEnv>()
  .route("/", teamsConsole)
  .route("/", bindingConsole)
  .route("/", syncConsole)
  .route("/", directoryConsole)
  .route("/", memberAccessConsole)
  .route("/", matchConsole)
  .route("/", policyConsole)
  .route("/", webhooksConsole)
  .route("/", auditConsole)
  .onError((err, c) => {
    if (err instanceof AppError) return statusPage(c, err);
    c.env.deps.logger.error("console page failed", { path: c.req.path, error: err });
    return statusPage(c, new AppError("internal", FAILED_MESSAGE));
  });
