import { signLink, verifyLink } from "./signed-link";

/**
 * The join pass: proof, kept in an HttpOnly cookie for a short while, that WeCom OAuth said this
 * browser is the invitee (`userKey`) of invitation `invitationId`. Signed like the capability
 * links (security/signed-link.ts) under its own purpose, so nothing else can be replayed as one.
 */
export const JOIN_PASS_COOKIE = "wr_join_pass";
export const JOIN_PASS_TTL_MS = 30 * 60 * 1000;
const PURPOSE = "join-pass";

export interface JoinPass {
  invitationId: number;
  userKey: string;
}

export function sealJoinPass(secret: string, pass: JoinPass, now: Date): string {
  const key = Buffer.from(pass.userKey, "utf8").toString("base64url");
  const mac = signLink(secret, PURPOSE, `${pass.invitationId}/${pass.userKey}`, new Date(now.getTime() + JOIN_PASS_TTL_MS));
  return `${pass.invitationId}.${key}.${mac}`;
}

/** The pass in `value` when it is ours, unexpired and untouched; null otherwise. */
export function openJoinPass(secret: string, value: string | undefined, now: Date): JoinPass | null {
  const m = /^(\d{1,15})\.([A-Za-z0-9_-]{1,128})\.([A-Za-z0-9_-]+)$/.exec(value ?? "");
  if (!m?.[1] || !m[2] || !m[3]) return null;
  const invitationId = Number(m[1]);
  const userKey = Buffer.from(m[2], "base64url").toString("utf8");
  if (!verifyLink(secret, PURPOSE, `${invitationId}/${userKey}`, m[3], now)) return null;
  return { invitationId, userKey };
}
