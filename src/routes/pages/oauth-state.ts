import { randomBytes } from "node:crypto";
import type { Context } from "hono";
import type { AppEnv } from "../../deps";
import { safeEqual } from "../../security/constant-time";
import { readCookie, writeCookie, clearCookie } from "../cookies";

const STATE_TTL_SECONDS = 10 * 60;
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** 32 characters of a-zA-Z0-9, as `state` allows (docs/wecom.md#oauth-and-web-login): ~190 bits. */
function newState(): string {
  const bytes = randomBytes(32);
  let out = "";
  for (const b of bytes) out += ALNUM[b % 62];
  return out;
}

/**
 * Starts an OAuth round trip: a fresh `state` for the authorize URL, remembered with what it is
 * for (`carry`, e.g. the join token or a team slug) in an HttpOnly, SameSite=Lax cookie — Lax is
 * sent on WeCom's top-level redirect back, and a forged callback from another site lacks it.
 */
export function beginOAuth(c: Context<AppEnv>, cookie: string, carry: string): string {
  const state = newState();
  const value = `${state}.${Buffer.from(carry, "utf8").toString("base64url")}`;
  writeCookie(c, cookie, value, STATE_TTL_SECONDS);
  return state;
}

/**
 * Ends the round trip: what `beginOAuth` carried when the returned `state` is the one this browser
 * was given (compared in constant time), else null. The cookie is spent either way.
 */
export function finishOAuth(c: Context<AppEnv>, cookie: string): string | null {
  const value = readCookie(c, cookie);
  clearCookie(c, cookie);
  const state = c.req.query("state");
  const m = /^([A-Za-z0-9]{32})\.([A-Za-z0-9_-]{0,2048})$/.exec(value ?? "");
  if (!m?.[1] || m[2] === undefined || !state || !safeEqual(state, m[1])) return null;
  return Buffer.from(m[2], "base64url").toString("utf8");
}
