import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { operatorOrTeamAdmin } from "../operator-auth";
import { accessRoutes } from "./access";
import { authorizeRoutes } from "./authorize";
import { directoryRoutes, managedRoutes } from "./directory";
import { matchRoutes } from "./match";
import { teamRoutes } from "./teams";
import { webhookRoutes } from "./webhooks";

/**
 * The team API: every `/api/teams/:slug/…` endpoint behind one gate, registered once here (the
 * sub-apps carry none of their own). `POST /api/teams` is the operator's, checked on its route.
 */
export const teamApiRoutes = new Hono<AppEnv>()
  .use("/api/teams/:slug/*", operatorOrTeamAdmin)
  .route("/", teamRoutes)
  .route("/", directoryRoutes)
  .route("/", managedRoutes)
  .route("/", accessRoutes)
  .route("/", authorizeRoutes)
  .route("/", matchRoutes)
  .route("/", webhookRoutes);
