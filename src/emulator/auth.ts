// access_token check for every /cgi-bin API except gettoken (docs/wecom.md#access-token).
import type { MiddlewareHandler } from "hono";
import { apiName } from "./gate";
import type { EmuEnv } from "./hono-env";
import { fail } from "./respond";
import type { EmulatorState } from "./state";

export function requireToken(state: EmulatorState): MiddlewareHandler<EmuEnv> {
  return async (c, next) => {
    const api = apiName(c.req.path);
    if (api === "gettoken") return next();
    const caller = state.authenticate(c.req.query("access_token"));
    if (typeof caller === "number") return fail(c, caller);
    // A token obtained before the app was disabled: calls fail with 50003 (docs/wecom.md#access-token),
    // except agent/get, which is how a client learns close = 1 (docs/wecom.md#agentget, docs/sync.md#scope).
    if (caller.kind === "app" && caller.app.close === 1 && api !== "agent/get") return fail(c, 50003);
    c.set("caller", caller);
    return next();
  };
}
