import { createHash, randomBytes } from "node:crypto";
import type { CookieOptions } from "hono/utils/cookie";

/**
 * Session tokens: 32 random bytes, base64url, in the `wr_session` cookie. The server keeps only
 * their SHA-256, and finds a session by that hash: the hash of an unguessable token leaks nothing
 * through the index lookup's timing, and a copy of the table opens no session.
 */
export const SESSION_COOKIE = "wr_session";
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** `last_seen_at` is written at most this often, not on every request. */
export const SESSION_TOUCH_MS = 5 * 60 * 1000;

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Null for anything that is not a token we could have issued: no database lookup for junk. */
export function sessionTokenHash(token: string | undefined): string | null {
  if (token === undefined || !TOKEN_SHAPE.test(token)) return null;
  return createHash("sha256").update(token).digest("hex");
}

/** Cookie attributes for the session (and the CSRF cookie): `Secure` only when served over https. */
export function cookieOptions(publicUrl: string, maxAgeSeconds?: number): CookieOptions {
  return {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: publicUrl.startsWith("https:"),
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
  };
}
