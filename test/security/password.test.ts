import { describe, expect, it } from "vitest";
import { hashPassword, needsRehash, PRODUCTION_SCRYPT_N, verifyNothing, verifyPassword } from "../../src/security/password";

const PW = "correct horse battery staple";

describe("password hashing (scrypt)", () => {
  it("hashes and verifies with the production parameters: N=2^15, r=8, p=1, 16-byte salt, 64-byte key", async () => {
    const stored = await hashPassword(PW);
    const [scheme, n, r, p, salt, key, ...rest] = stored.split("$");
    expect({ scheme, n, r, p, rest }).toEqual({ scheme: "scrypt", n: String(2 ** 15), r: "8", p: "1", rest: [] });
    expect(PRODUCTION_SCRYPT_N).toBe(2 ** 15);
    expect(Buffer.from(salt!, "base64url")).toHaveLength(16);
    expect(Buffer.from(key!, "base64url")).toHaveLength(64);
    expect(await verifyPassword(PW, stored)).toBe(true);
    expect(await verifyPassword(`${PW}!`, stored)).toBe(false);
    expect(needsRehash(stored, PRODUCTION_SCRYPT_N)).toBe(false);
  });

  it("salts every hash", async () => {
    const a = await hashPassword(PW, 2 ** 10);
    const b = await hashPassword(PW, 2 ** 10);
    expect(a).not.toBe(b);
    expect(await verifyPassword(PW, a)).toBe(true);
    expect(await verifyPassword(PW, b)).toBe(true);
  });

  it("treats canonically equivalent Unicode the same (NFC)", async () => {
    const composed = "café-password-1";
    const decomposed = composed.normalize("NFD");
    expect(decomposed).not.toBe(composed);
    expect(await verifyPassword(decomposed, await hashPassword(composed, 2 ** 10))).toBe(true);
  });

  it.each([
    ["another scheme", "bcrypt$10$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA"],
    ["too few parts", "scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA"],
    ["N not a power of two", "scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA$" + "A".repeat(86)],
    ["N beyond 2^20 (would allocate gigabytes)", `scrypt$${2 ** 24}$8$1$AAAAAAAAAAAAAAAAAAAAAA$` + "A".repeat(86)],
    ["r of zero", "scrypt$1024$0$1$AAAAAAAAAAAAAAAAAAAAAA$" + "A".repeat(86)],
    ["a short key", "scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA"],
    ["an empty string", ""],
  ])("never matches a malformed hash: %s", async (_name, stored) => {
    expect(await verifyPassword(PW, stored)).toBe(false);
    expect(needsRehash(stored, 2 ** 10)).toBe(true);
  });

  it("asks for a rehash only when the stored cost is lower than today's", async () => {
    const low = await hashPassword(PW, 2 ** 10);
    expect(needsRehash(low, 2 ** 11)).toBe(true);
    expect(needsRehash(low, 2 ** 10)).toBe(false);
    expect(needsRehash(low, 2 ** 9)).toBe(false);
  });

  it("verifyNothing spends a hash and fails", async () => {
    expect(await verifyNothing(PW, 2 ** 10)).toBe(false);
  });
});
