// Control API: reset, state, call log, faults, token expiry, rate limits, apps, callback
// target and callback faults. JSON under /_emulator (see README in index.ts).
import type { Hono } from "hono";
import { isValidEncodingAesKey } from "../../wecom/crypto";
import { normalizeApp, type AppInput } from "../apps";
import { verifyCallbackUrl } from "../callbacks/push";
import type { EmuEnv } from "../hono-env";
import { MutationError } from "../org/mutations";
import type { EmulatorState, ResetInput } from "../state";
import type { CallbackTarget, Fault, OrgSpec } from "../types";
import { asRecord, readJson } from "./read-json";

export function adminRoutes(app: Hono<EmuEnv>, state: EmulatorState): void {
  app.post("/_emulator/reset", async (c) => {
    const body = asRecord(await readJson(c));
    const input: ResetInput = {};
    if (body.corpId !== undefined) {
      if (typeof body.corpId !== "string" || body.corpId === "") throw new MutationError(400, "invalid_field", "corpId must be a string");
      input.corpId = body.corpId;
    }
    if (body.org !== undefined) input.org = asRecord(body.org, "org") as unknown as OrgSpec;
    if (body.apps !== undefined) input.apps = body.apps as AppInput[];
    if (body.contactSync !== undefined) input.contactSync = body.contactSync;
    if (typeof body.tokenTtlSeconds === "number") input.tokenTtlSeconds = body.tokenTtlSeconds;
    if (body.callback !== undefined) input.callback = body.callback === null ? null : callbackTarget(body.callback);
    state.reset(input);
    return c.json(state.summary());
  });

  app.get("/_emulator/state", (c) => c.json(state.summary()));

  app.get("/_emulator/calls", (c) => c.json(state.calls.toJSON()));
  app.delete("/_emulator/calls", (c) => {
    state.calls.clear();
    return c.json({ ok: true });
  });

  app.post("/_emulator/faults", async (c) => {
    const body = await readJson(c);
    const list = (Array.isArray(body) ? body : [body]) as Fault[];
    for (const f of list) state.faults.add(f);
    return c.json({ queued: list.length, pending: state.faults.pending() });
  });
  app.get("/_emulator/faults", (c) => c.json({ pending: state.faults.pending() }));
  app.delete("/_emulator/faults", (c) => {
    state.faults.clear();
    return c.json({ ok: true });
  });

  app.post("/_emulator/tokens/expire", (c) => c.json({ expired: state.expireAllTokens() }));

  app.put("/_emulator/rate-limit", async (c) => {
    const body = asRecord(await readJson(c));
    const { api, perMinute } = body;
    if (typeof api !== "string" || api === "") throw new MutationError(400, "invalid_field", 'api is required (an API name or "*")');
    if (perMinute !== null && (!Number.isInteger(perMinute) || (perMinute as number) < 0)) {
      throw new MutationError(400, "invalid_field", "perMinute must be a non-negative integer, or null to remove the limit");
    }
    state.rateLimits.set(api, perMinute as number | null);
    return c.json({ rateLimits: state.rateLimits.list() });
  });
  app.delete("/_emulator/rate-limit", (c) => {
    state.rateLimits.clear();
    return c.json({ rateLimits: {} });
  });

  app.put("/_emulator/apps/:agentId", async (c) => {
    const agentId = Number(c.req.param("agentId"));
    const body = asRecord(await readJson(c));
    const existing = state.apps.get(agentId);
    if (!existing && typeof body.secret !== "string")
      throw new MutationError(400, "invalid_field", `app ${agentId} does not exist; a secret is needed to create it`);
    const next = normalizeApp({ ...body, agentId } as AppInput, existing);
    state.putApp(next);
    return c.json(next);
  });

  app.put("/_emulator/callback", async (c) => {
    state.callbackTarget = callbackTarget(await readJson(c));
    return c.json({ callback: state.callbackTarget });
  });
  app.post("/_emulator/callback/verify", async (c) => c.json(await verifyCallbackUrl(state)));
  app.delete("/_emulator/callback", (c) => {
    state.callbackTarget = undefined;
    return c.json({ callback: null });
  });

  app.put("/_emulator/callback-faults", async (c) => {
    const body = asRecord(await readJson(c));
    const count = (v: unknown, what: string) => {
      if (v === undefined) return 0;
      if (!Number.isInteger(v) || (v as number) < 0)
        throw new MutationError(400, "invalid_field", `${what} must be a non-negative integer`);
      return v as number;
    };
    state.callbackFaults = { drop: count(body.drop, "drop"), duplicate: count(body.duplicate, "duplicate") };
    return c.json({ callbackFaults: state.callbackFaults });
  });

  app.get("/_emulator/callbacks", (c) => c.json({ callbacks: state.callbackLog }));
  app.delete("/_emulator/callbacks", (c) => {
    state.callbackLog = [];
    return c.json({ ok: true });
  });
}

/** docs/wecom.md#callback-delivery: Token letters/digits ≤ 32, EncodingAESKey exactly 43 of [A-Za-z0-9]. */
function callbackTarget(v: unknown): CallbackTarget {
  const b = asRecord(v, "callback");
  if (typeof b.url !== "string" || !/^https?:\/\//.test(b.url))
    throw new MutationError(400, "invalid_field", "callback.url must be an http(s) URL");
  if (typeof b.token !== "string" || !/^[A-Za-z0-9]{1,32}$/.test(b.token))
    throw new MutationError(400, "invalid_field", "callback.token must be 1–32 letters or digits");
  if (typeof b.encodingAesKey !== "string" || !isValidEncodingAesKey(b.encodingAesKey)) {
    throw new MutationError(400, "invalid_field", "callback.encodingAesKey must be 43 letters or digits");
  }
  const target: CallbackTarget = { url: b.url, token: b.token, encodingAesKey: b.encodingAesKey };
  if (b.agentId !== undefined) {
    if (!Number.isInteger(b.agentId)) throw new MutationError(400, "invalid_field", "callback.agentId must be an integer");
    target.agentId = b.agentId as number;
  }
  return target;
}
