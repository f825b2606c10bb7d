import { createHmac, randomBytes } from "node:crypto";

/** The secret is sealed to its endpoint: a sealed value copied to another row does not open. */
export const endpointSealContext = (id: string) => `webhook_endpoints:${id}`;

/** A new endpoint secret as the Standard Webhooks specification writes it: `whsec_` + base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/**
 * The Standard Webhooks headers: HMAC-SHA256 over `<id>.<timestamp>.<body>` with the secret's
 * base64-decoded bytes, sent as `v1,<base64>`; the timestamp is in seconds.
 */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): Record<string, string> {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const signature = createHmac("sha256", key).update(`${id}.${timestampSeconds}.${body}`).digest("base64");
  return { "webhook-id": id, "webhook-timestamp": String(timestampSeconds), "webhook-signature": `v1,${signature}` };
}
