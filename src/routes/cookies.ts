import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../deps";
import { cookieOptions } from "../security/session";

/**
 * Every cookie the service sets, by its base name (`wr_session`, `wr_csrf`, …). Under an https
 * PUBLIC_URL the name carries the `__Host-` prefix: browsers then accept it only with Secure,
 * Path=/ and no Domain, so neither a sibling subdomain nor a plain-http page can plant or
 * overwrite it (session fixation, CSRF-cookie tossing).
 */
export function cookieName(c: Context<AppEnv>, base: string): string {
  return c.env.deps.config.publicUrl.startsWith("https:") ? `__Host-${base}` : base;
}

export function readCookie(c: Context<AppEnv>, base: string): string | undefined {
  return getCookie(c, cookieName(c, base));
}

export function writeCookie(c: Context<AppEnv>, base: string, value: string, maxAgeSeconds?: number): void {
  setCookie(c, cookieName(c, base), value, cookieOptions(c.env.deps.config.publicUrl, maxAgeSeconds));
}

export function clearCookie(c: Context<AppEnv>, base: string): void {
  deleteCookie(c, cookieName(c, base), cookieOptions(c.env.deps.config.publicUrl));
}
