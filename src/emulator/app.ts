// Assembles the emulator's Hono app: WeCom APIs under /cgi-bin (gate → token → route),
// OAuth pages, and the control API under /_emulator.
import { Hono } from "hono";
import { agentRoutes } from "./api/agent";
import { authRoutes } from "./api/auth";
import { departmentRoutes } from "./api/departments";
import { messageRoutes } from "./api/messages";
import { tokenRoutes } from "./api/token";
import { userRoutes } from "./api/users";
import { ConfigError } from "./apps";
import { requireToken } from "./auth";
import { chatRoutes } from "./chat/routes";
import { adminRoutes } from "./control/admin";
import { interactRoutes } from "./control/interact";
import { orgRoutes } from "./control/org";
import { FaultError } from "./faults";
import { gate } from "./gate";
import type { EmuEnv } from "./hono-env";
import { oauthPages } from "./oauth-pages";
import { OrgInputError } from "./org/load-org";
import { MutationError } from "./org/mutations";
import type { EmulatorState } from "./state";

export function buildApp(state: EmulatorState): Hono<EmuEnv> {
  const app = new Hono<EmuEnv>();
  const recordAndFault = gate(state);
  app.use("/cgi-bin/*", recordAndFault);
  app.use("/connect/*", recordAndFault);
  app.use("/wwlogin/*", recordAndFault);
  app.use("/cgi-bin/*", requireToken(state));

  tokenRoutes(app, state);
  departmentRoutes(app, state);
  userRoutes(app, state);
  agentRoutes(app);
  messageRoutes(app, state);
  authRoutes(app, state);
  oauthPages(app, state);

  adminRoutes(app, state);
  orgRoutes(app, state);
  interactRoutes(app, state);
  chatRoutes(app, state);

  app.get("/", (c) => c.json({ emulator: "wecom", ...state.summary() }));
  app.notFound((c) =>
    c.req.path.startsWith("/cgi-bin/")
      ? c.json({ errcode: 404, errmsg: `the emulator does not implement ${c.req.path}` }, 404)
      : c.json({ error: { code: "not_found", message: `no route ${c.req.method} ${c.req.path}` } }, 404),
  );
  app.onError((err, c) => {
    if (err instanceof MutationError) return c.json({ error: { code: err.code, message: err.message } }, err.status);
    if (err instanceof ConfigError || err instanceof OrgInputError || err instanceof FaultError || err instanceof RangeError) {
      return c.json({ error: { code: "invalid_input", message: err.message } }, 400);
    }
    return c.json({ error: { code: "internal", message: err instanceof Error ? err.message : String(err) } }, 500);
  });
  return app;
}
