import { describe, expect, it } from "vitest";
import { JOB_PROGRESS_PURPOSE, jobProgressUrl, signLink, verifyJobProgressToken, verifyLink } from "../../src/security/signed-link";

const SECRET = "test-app-secret-0123456789abcdefghijkl";
const NOW = new Date(Date.UTC(2026, 10, 25, 12, 0, 0));
const LATER = new Date(NOW.getTime() + 7 * 24 * 3600 * 1000);

describe("signed links", () => {
  const token = signLink(SECRET, "job-progress", "acme/7", LATER);

  it("verifies its own token, up to the expiry", () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{54}$/);
    expect(verifyLink(SECRET, "job-progress", "acme/7", token, NOW)).toBe(true);
    expect(verifyLink(SECRET, "job-progress", "acme/7", token, new Date(LATER.getTime() - 1000))).toBe(true);
  });

  it("refuses an expired token", () => {
    expect(verifyLink(SECRET, "job-progress", "acme/7", token, LATER)).toBe(false);
    expect(verifyLink(SECRET, "job-progress", "acme/7", token, new Date(LATER.getTime() + 1))).toBe(false);
    const past = signLink(SECRET, "job-progress", "acme/7", new Date(NOW.getTime() - 1000));
    expect(verifyLink(SECRET, "job-progress", "acme/7", past, NOW)).toBe(false);
  });

  it("refuses another subject, purpose or secret", () => {
    expect(verifyLink(SECRET, "job-progress", "acme/8", token, NOW)).toBe(false);
    expect(verifyLink(SECRET, "job-progress", "other/7", token, NOW)).toBe(false);
    expect(verifyLink(SECRET, "join", "acme/7", token, NOW)).toBe(false);
    expect(verifyLink(`${SECRET}x`, "job-progress", "acme/7", token, NOW)).toBe(false);
  });

  it("does not confuse where purpose ends and subject begins", () => {
    const t = signLink(SECRET, "a|b", "c", LATER);
    expect(verifyLink(SECRET, "a", "b|c", t, NOW)).toBe(false);
  });

  it("refuses every single-character change, including the last character's spare bits", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (let i = 0; i < token.length; i++) {
      for (const ch of alphabet) {
        if (ch === token[i]) continue;
        const tampered = token.slice(0, i) + ch + token.slice(i + 1);
        expect(verifyLink(SECRET, "job-progress", "acme/7", tampered, NOW), `position ${i} → ${ch}`).toBe(false);
      }
    }
  });

  it("cannot be extended: a later expiry with the old MAC fails", () => {
    const raw = Buffer.from(token, "base64url");
    raw.writeBigUInt64BE(raw.readBigUInt64BE(0) + 86_400n);
    expect(verifyLink(SECRET, "job-progress", "acme/7", raw.toString("base64url"), NOW)).toBe(false);
  });

  it("is length-safe: short, long, empty, padded and junk tokens are false, never a throw", () => {
    for (const t of [
      "",
      "x",
      token.slice(0, -1),
      `${token}A`,
      `${token}=`,
      `${token}==`,
      token.replace(/./, "+"),
      `${token.slice(0, 53)}/`,
      " ".repeat(54),
      "A".repeat(10_000),
      `${token.slice(0, 20)}.${token.slice(21)}`,
    ]) {
      expect(verifyLink(SECRET, "job-progress", "acme/7", t, NOW)).toBe(false);
    }
    expect(verifyLink(SECRET, "job-progress", "acme/7", undefined as unknown as string, NOW)).toBe(false);
  });

  it("builds the job progress URL on PUBLIC_URL, valid for 7 days", () => {
    const url = new URL(jobProgressUrl({ publicUrl: "https://roster.example.com", appSecret: SECRET }, "acme", 7, NOW));
    expect(`${url.origin}${url.pathname}`).toBe("https://roster.example.com/teams/acme/jobs/7");
    const t = url.searchParams.get("t")!;
    expect(verifyJobProgressToken(SECRET, "acme", "7", t, new Date(NOW.getTime() + 7 * 24 * 3600 * 1000 - 1000))).toBe(true);
    expect(verifyJobProgressToken(SECRET, "acme", "7", t, new Date(NOW.getTime() + 7 * 24 * 3600 * 1000))).toBe(false);
    expect(verifyJobProgressToken(SECRET, "acme", "07", t, NOW)).toBe(false);
    expect(verifyLink(SECRET, JOB_PROGRESS_PURPOSE, "acme/7", t, NOW)).toBe(true);
  });

  it("throws on an invalid expiry rather than signing garbage", () => {
    expect(() => signLink(SECRET, "p", "s", new Date(Number.NaN))).toThrow();
  });
});
