// auth/getuserinfo and auth/getuserdetail (docs/wecom.md#oauth-and-web-login).
import { randomBytes } from "node:crypto";
import type { Hono } from "hono";
import { BAD_JSON, type EmuEnv } from "../hono-env";
import { sensitiveFields } from "../render";
import { fail, ok } from "../respond";
import { OAUTH_CODE_TTL_MS, USER_TICKET_TTL_MS, type EmulatorState } from "../state";
import { scopeOf, userVisible } from "../visibility";

export function authRoutes(app: Hono<EmuEnv>, state: EmulatorState): void {
  app.on(["GET", "POST"], "/cgi-bin/auth/getuserinfo", (c) => {
    const caller = c.get("caller");
    const code = c.req.query("code");
    if (!code) return fail(c, 41008);
    // Contact-sync tokens cannot exchange codes (docs/wecom.md#which-secret).
    if (caller.kind !== "app") return fail(c, 48002);
    const rec = state.oauthCodes.get(code);
    // Single use: any exchange burns the code; reuse or an unknown code → 40029.
    if (!rec) return fail(c, 40029);
    state.oauthCodes.delete(code);
    if (state.nowMs() - rec.issuedAtMs > OAUTH_CODE_TTL_MS) return fail(c, 42003);
    // "Use the token of the app the code was issued for" (docs/wecom.md#oauth-and-web-login).
    if (rec.agentId !== undefined && rec.agentId !== caller.app.agentId) return fail(c, 40029);
    if (caller.app.redirectDomain !== undefined && hostOf(rec.redirectUri) !== caller.app.redirectDomain) return fail(c, 50001);
    if (rec.openid !== undefined) return ok(c, { openid: rec.openid });
    const user = rec.userid === undefined ? undefined : state.org.getUser(rec.userid);
    if (!user) return ok(c, { openid: openidFor(rec.userid ?? "") });
    if (!userVisible(scopeOf(state.org, caller), user)) return fail(c, 50002);
    // user_ticket only for snsapi_privateinfo with an agentid, never for web login (docs/wecom.md#oauth-and-web-login).
    if (rec.via === "oauth2" && rec.scope === "snsapi_privateinfo" && rec.agentId !== undefined) {
      const ticket = randomBytes(48).toString("base64url");
      state.userTickets.set(ticket, { userid: user.userid, agentId: caller.app.agentId, expiresAtMs: state.nowMs() + USER_TICKET_TTL_MS });
      return ok(c, { userid: user.userid, user_ticket: ticket });
    }
    return ok(c, { userid: user.userid });
  });

  app.get("/cgi-bin/auth/getuserdetail", (c) => fail(c, 43002));
  app.post("/cgi-bin/auth/getuserdetail", (c) => {
    const caller = c.get("caller");
    const body = c.get("body");
    if (body === BAD_JSON || typeof body !== "object" || body === null) return fail(c, 47001);
    if (caller.kind !== "app") return fail(c, 48002);
    const ticket = (body as { user_ticket?: unknown }).user_ticket;
    if (typeof ticket !== "string" || ticket === "") return fail(c, 40058, "missing user_ticket, hint: [emu]");
    const rec = state.userTickets.get(ticket);
    if (!rec || rec.expiresAtMs <= state.nowMs() || rec.agentId !== caller.app.agentId)
      return fail(c, 40058, "invalid user_ticket, hint: [emu]");
    const user = state.org.getUser(rec.userid);
    if (!user) return fail(c, 60111);
    // The member consented, so even restricted apps see these fields (docs/wecom.md#restricted-fields).
    return ok(c, { userid: user.userid, ...sensitiveFields(user) });
  });
}

export function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

export function openidFor(id: string): string {
  return `o-emu-${Buffer.from(id).toString("hex").slice(0, 24)}`;
}
