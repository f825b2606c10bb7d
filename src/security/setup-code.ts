import { createHash, randomBytes } from "node:crypto";

/**
 * The first-run setup code (docs/operations.md#first-run): 80 random bits in Crockford base32,
 * shown as four groups of four (`7K3M-Q9XA-…`) so it survives being read off a log and typed.
 * Only its SHA-256 is stored: with 80 bits, guessing is hopeless online and a fast hash is
 * enough, as for session tokens.
 */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const LENGTH = 16;

export function newSetupCode(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out.match(/.{4}/g)!.join("-");
}

/**
 * What a person typed, as the code it means: case, spaces and hyphens ignored, and the letters
 * Crockford reads as digits (O → 0, I and L → 1). Null when it cannot be a code.
 */
export function normalizeSetupCode(typed: string): string | null {
  const s = typed.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  return s.length === LENGTH && [...s].every((ch) => ALPHABET.includes(ch)) ? s : null;
}

/** The stored form of a normalized code. */
export function setupCodeHash(normalized: string): string {
  return createHash("sha256").update(`setup|${normalized}`).digest("hex");
}
