import { describe, expect, it } from "vitest";
import { csrfToken, isCrossSite, newCsrfNonce, verifyCsrf } from "../../src/security/csrf";

const SECRET = "test-app-secret-0123456789abcdefghijkl";

describe("CSRF tokens", () => {
  const nonce = newCsrfNonce();
  const token = csrfToken(SECRET, nonce, "");

  it("accepts the token issued for this nonce and binding", () => {
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(verifyCsrf(SECRET, nonce, "", token)).toBe(true);
  });

  it("refuses another nonce, another binding, another key, a tampered or missing token", () => {
    expect(verifyCsrf(SECRET, newCsrfNonce(), "", token)).toBe(false);
    expect(verifyCsrf(SECRET, nonce, "session-hash", token)).toBe(false);
    expect(verifyCsrf(`${SECRET}x`, nonce, "", token)).toBe(false);
    expect(verifyCsrf(SECRET, nonce, "", `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`)).toBe(false);
    expect(verifyCsrf(SECRET, nonce, "", token.slice(0, -1))).toBe(false);
    expect(verifyCsrf(SECRET, nonce, "", "")).toBe(false);
    expect(verifyCsrf(SECRET, nonce, "", undefined)).toBe(false);
    expect(verifyCsrf(SECRET, undefined, "", token)).toBe(false);
  });

  it("is not the nonce itself: copying the cookie into the field does not pass", () => {
    expect(verifyCsrf(SECRET, nonce, "", nonce)).toBe(false);
  });

  it("binds to the session: a token issued before login does not work after it", () => {
    const bound = csrfToken(SECRET, nonce, "hash-of-session-a");
    expect(verifyCsrf(SECRET, nonce, "hash-of-session-a", bound)).toBe(true);
    expect(verifyCsrf(SECRET, nonce, "hash-of-session-b", bound)).toBe(false);
    expect(verifyCsrf(SECRET, nonce, "", bound)).toBe(false);
  });
});

describe("isCrossSite", () => {
  const url = "https://roster.example.com";
  it.each([
    [{ origin: undefined, secFetchSite: undefined }, false],
    [{ origin: "https://roster.example.com", secFetchSite: "same-origin" }, false],
    [{ origin: "https://roster.example.com", secFetchSite: undefined }, false],
    [{ origin: undefined, secFetchSite: "none" }, false],
    [{ origin: "https://evil.example", secFetchSite: undefined }, true],
    [{ origin: "http://roster.example.com", secFetchSite: undefined }, true],
    [{ origin: "https://roster.example.com:8443", secFetchSite: undefined }, true],
    [{ origin: "null", secFetchSite: undefined }, true],
    [{ origin: undefined, secFetchSite: "cross-site" }, true],
  ])("%j → %s", (headers, expected) => {
    expect(isCrossSite(headers, url)).toBe(expected);
  });
});
