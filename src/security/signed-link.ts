import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

/**
 * Capability links: a token that proves "whoever holds this may do <purpose> on <subject> until
 * <expiry>", for places a bearer header cannot reach (a browser, a link sent in WeCom chat).
 *
 * token = base64url(expiry as 8-byte big-endian unix seconds ‖ HMAC-SHA256(key, purpose, subject, expiry)),
 * with the key derived from APP_SECRET by HKDF under its own info string, so it is independent of
 * the secret-box key ("secrets/aes-256-gcm/v1").
 */
const KEY_INFO = "signed-links/hmac-sha256/v1";
const EXPIRY_BYTES = 8;
const MAC_BYTES = 32;
const TOKEN_CHARS = Math.ceil(((EXPIRY_BYTES + MAC_BYTES) * 4) / 3); // unpadded base64url: 54
const TOKEN_SHAPE = /^[A-Za-z0-9_-]+$/;

function linkKey(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "wecom-roster", KEY_INFO, 32));
}

/** Length-prefixed fields: "a|b" + "c" and "a" + "b|c" never sign the same bytes. */
function mac(secret: string, purpose: string, subject: string, expirySeconds: bigint): Buffer {
  const field = (s: string) => `${Buffer.byteLength(s)}:${s}`;
  return createHmac("sha256", linkKey(secret))
    .update(`v1|${field(purpose)}|${field(subject)}|${expirySeconds}`)
    .digest();
}

export function signLink(secret: string, purpose: string, subject: string, expiresAt: Date): string {
  const ms = expiresAt.getTime();
  if (!Number.isFinite(ms) || ms <= 0) throw new Error("signLink: expiresAt must be a valid date after 1970");
  const expiry = BigInt(Math.floor(ms / 1000));
  const head = Buffer.alloc(EXPIRY_BYTES);
  head.writeBigUInt64BE(expiry);
  return Buffer.concat([head, mac(secret, purpose, subject, expiry)]).toString("base64url");
}

/** True only for an unexpired token signed with `secret` for exactly this purpose and subject. */
export function verifyLink(secret: string, purpose: string, subject: string, token: string, now: Date): boolean {
  // Fixed length and alphabet before decoding: Buffer's base64url decoder skips junk characters.
  if (typeof token !== "string" || token.length !== TOKEN_CHARS || !TOKEN_SHAPE.test(token)) return false;
  const raw = Buffer.from(token, "base64url");
  // Only the canonical encoding: the last character's spare bits must not give a second valid token.
  if (raw.length !== EXPIRY_BYTES + MAC_BYTES || raw.toString("base64url") !== token) return false;
  const expiry = raw.readBigUInt64BE(0);
  const expected = mac(secret, purpose, subject, expiry);
  const macOk = timingSafeEqual(raw.subarray(EXPIRY_BYTES), expected);
  return macOk && expiry * 1000n > BigInt(now.getTime());
}

// ---- The links this service hands out ------------------------------------------------------

export const JOB_PROGRESS_PURPOSE = "job-progress";
export const JOB_PROGRESS_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export const jobProgressSubject = (slug: string, jobId: number | string): string => `${slug}/${jobId}`;

/** The progress page of a sync job, openable without a header for 7 days (`/teams/:slug/jobs/:id?t=…`). */
export function jobProgressUrl(cfg: { publicUrl: string; appSecret: string }, slug: string, jobId: number, now: Date): string {
  const token = signLink(
    cfg.appSecret,
    JOB_PROGRESS_PURPOSE,
    jobProgressSubject(slug, jobId),
    new Date(now.getTime() + JOB_PROGRESS_TTL_MS),
  );
  return `${cfg.publicUrl}/teams/${encodeURIComponent(slug)}/jobs/${jobId}?t=${token}`;
}

export function verifyJobProgressToken(appSecret: string, slug: string, jobId: string, token: string, now: Date): boolean {
  return verifyLink(appSecret, JOB_PROGRESS_PURPOSE, jobProgressSubject(slug, jobId), token, now);
}
