import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

const VERSION = "v1";

/**
 * Secrets at rest (WeCom Secret, callback Token, EncodingAESKey): AES-256-GCM under a key derived
 * from APP_SECRET with HKDF. The context (e.g. "binding:12:secret") is authenticated, so a
 * ciphertext copied into another row or field fails to open.
 */
export interface SecretBox {
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
}

export function createSecretBox(appSecret: string): SecretBox {
  const key = Buffer.from(hkdfSync("sha256", appSecret, "wecom-roster", "secrets/aes-256-gcm/v1", 32));
  return {
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(Buffer.from(context));
      const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString("base64url")}`;
    },
    open(sealed, context) {
      const [version, data] = sealed.split(".");
      if (version !== VERSION || !data) throw new Error("unknown secret format");
      const raw = Buffer.from(data, "base64url");
      const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
    },
  };
}

/**
 * What an admin sees instead of a secret: that one is set, and no character of it — even a few
 * characters shorten a guess, and the screen or a screenshot is not where secrets belong.
 */
export function mask(secret: string): string {
  return secret === "" ? "" : "********";
}
