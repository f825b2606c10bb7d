import { createHmac, hkdfSync, randomBytes } from "node:crypto";
import { safeEqual } from "./constant-time";

/**
 * CSRF protection for the HTML forms: a signed, cookie-bound double submit.
 *
 * The browser holds a random nonce in the HttpOnly `wr_csrf` cookie; each form carries
 * HMAC(key, nonce ‖ session) in a hidden field. A cross-site page can make the browser send the
 * cookie but can read neither it nor our page, so it cannot produce the field. Signing (instead of
 * copying the nonce) means a cookie planted by a sibling subdomain is useless without a token we
 * issued for it, and binding to the session cookie (when there is one) means a token issued to
 * one login does not work for another. The key is derived from APP_SECRET under its own label.
 */
export const CSRF_COOKIE = "wr_csrf";
export const CSRF_FIELD = "_csrf";

const NONCE_SHAPE = /^[A-Za-z0-9_-]{43}$/;

function csrfKey(appSecret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", appSecret, "wecom-roster", "csrf/hmac-sha256/v1", 32));
}

export function newCsrfNonce(): string {
  return randomBytes(32).toString("base64url");
}

export function isCsrfNonce(value: string | undefined): value is string {
  return value !== undefined && NONCE_SHAPE.test(value);
}

/** The hidden field's value for this nonce; `binding` is the session token's hash, or "" before login. */
export function csrfToken(appSecret: string, nonce: string, binding: string): string {
  return createHmac("sha256", csrfKey(appSecret)).update(`v1|${nonce}|${binding}`).digest("base64url");
}

/** True only when the submitted field was issued for this cookie's nonce and this session; constant time. */
export function verifyCsrf(appSecret: string, nonce: string | undefined, binding: string, submitted: string | undefined): boolean {
  if (!isCsrfNonce(nonce) || typeof submitted !== "string" || submitted.length === 0) return false;
  return safeEqual(submitted, csrfToken(appSecret, nonce, binding));
}

/**
 * For JSON requests authenticated by cookie (or logging in): a browser names the page that sent
 * a request in `Origin` (and `Sec-Fetch-Site`). Another site's page is refused, so a cross-site
 * form cannot drive the API with the user's cookie. Requests without these headers (curl,
 * server-to-server) are not from a browser page and pass; the bearer token and SameSite=Lax
 * carry the rest.
 */
export function isCrossSite(headers: { origin: string | undefined; secFetchSite: string | undefined }, publicUrl: string): boolean {
  if (headers.secFetchSite === "cross-site") return true;
  if (headers.origin === undefined) return false;
  try {
    return new URL(headers.origin).origin !== new URL(publicUrl).origin;
  } catch {
    // "null" (sandboxed frames, file://) or garbage: not our page.
    return true;
  }
}
