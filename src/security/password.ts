import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

/**
 * Password hashes: scrypt (node:crypto), 16-byte salt, 64-byte key, stored as
 * `scrypt$N$r$p$salt$hash` (salt and hash base64url) so the cost can rise later without
 * invalidating stored hashes: each hash carries the parameters it was made with.
 */
export const PRODUCTION_SCRYPT_N = 2 ** 15;
const R = 8;
const P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 64;
/** Refuse stored parameters beyond these: a tampered row must not make us allocate gigabytes. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is exactly N=2^15, r=8, so leave room.
  const options: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    // NFC: the same password typed on another keyboard or OS composes to the same bytes.
    scrypt(password.normalize("NFC"), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 1 && (n & (n - 1)) === 0;
}

export async function hashPassword(password: string, n: number = PRODUCTION_SCRYPT_N): Promise<string> {
  if (!isPowerOfTwo(n) || n > MAX_N) throw new Error("hashPassword: N must be a power of two up to 2^20");
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, n, R, P);
  return ["scrypt", n, R, P, salt.toString("base64url"), key.toString("base64url")].join("$");
}

interface Parsed {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): Parsed | null {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return null;
  const [n, r, p] = parts.slice(1, 4).map((x) => (/^\d{1,8}$/.test(x ?? "") ? Number(x) : NaN)) as [number, number, number];
  if (!isPowerOfTwo(n) || n > MAX_N || !(r >= 1 && r <= MAX_R) || !(p >= 1 && p <= MAX_P)) return null;
  const salt = Buffer.from(parts[4] ?? "", "base64url");
  const key = Buffer.from(parts[5] ?? "", "base64url");
  if (salt.length < SALT_BYTES || key.length !== KEY_BYTES) return null;
  return { n, r, p, salt, key };
}

/** True when `password` produces `stored`; compared in constant time. A malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.n, parsed.r, parsed.p);
  return timingSafeEqual(key, parsed.key);
}

/**
 * Spends what a real check at cost `n` would, and fails: login for an unknown username must take
 * as long as a wrong password, or the response time says which usernames exist.
 */
export async function verifyNothing(password: string, n: number = PRODUCTION_SCRYPT_N): Promise<false> {
  const key = await derive(password, Buffer.alloc(SALT_BYTES), n, R, P);
  timingSafeEqual(key, Buffer.alloc(KEY_BYTES));
  return false;
}

/** A stored hash weaker than today's cost: rehash it at the next successful login (never downgrade). */
export function needsRehash(stored: string, n: number): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.n < n || parsed.r !== R || parsed.p !== P;
}
