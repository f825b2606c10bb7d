import { createHash, randomBytes } from "node:crypto";

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** At most one invitation per member per minute: WeCom silently drops beyond 30/min per member. */
export const INVITATION_PACE_MS = 60 * 1000;

/** 256 random bits, base64url: the raw token only ever appears in the link. */
export function newInvitationToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashInvitationToken(token) };
}

export function hashInvitationToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("base64url");
}

export function joinUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/join/${token}`;
}
