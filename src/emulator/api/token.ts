// gettoken (docs/wecom.md#access-token, doc 91039).
import type { Hono } from "hono";
import type { EmuEnv } from "../hono-env";
import { fail, ok } from "../respond";
import type { EmulatorState } from "../state";

export function tokenRoutes(app: Hono<EmuEnv>, state: EmulatorState): void {
  app.on(["GET", "POST"], "/cgi-bin/gettoken", (c) => {
    const corpid = c.req.query("corpid");
    const secret = c.req.query("corpsecret");
    if (!corpid) return fail(c, 41002);
    if (corpid !== state.corpId) return fail(c, 40013);
    if (!secret) return fail(c, 41004);
    if (state.contactSync && secret === state.contactSync.secret) {
      const t = state.issueToken(undefined);
      return ok(c, { access_token: t.token, expires_in: t.expiresIn });
    }
    const app = [...state.apps.values()].find((a) => a.secret === secret);
    // A disabled app's secret is refused like a wrong one (docs/wecom.md#access-token, 40001 row).
    if (!app || app.close === 1) return fail(c, 40001);
    const t = state.issueToken(app.agentId);
    return ok(c, { access_token: t.token, expires_in: t.expiresIn });
  });
}
