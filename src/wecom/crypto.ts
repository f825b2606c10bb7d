// WeCom callback crypto (WXBizMsgCrypt), doc 90968 (加解密方案说明).
// The WeCom facts it relies on are in the README (callbacks) and docs/security.md; vectors in test/helpers/official-vectors.ts.
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from "node:crypto";

// Codes of the official samples (§8.8); local only, never returned by the API.
export type WecomCryptoCode = -40001 | -40002 | -40004 | -40005 | -40007 | -40008 | -40010;

export class WecomCryptoError extends Error {
  readonly code: WecomCryptoCode;

  constructor(code: WecomCryptoCode, message: string) {
    super(message);
    this.name = "WecomCryptoError";
    this.code = code;
  }
}

// WeCom pads PKCS#7 to 32 bytes, not to the 16-byte AES block (doc 90968), so pads
// run 1..32 and any built-in 16-byte unpadding fails once pad > 16 (§1 item 3).
const BLOCK = 32;
// random(16) ‖ msg_len (uint32 BE) precede msg (doc 90968).
const HEADER = 20;

export function computeSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash("sha1").update([token, timestamp, nonce, encrypt].sort().join("")).digest("hex");
}

export function verifySignature(signature: string, token: string, timestamp: string, nonce: string, encrypt: string): boolean {
  const expected = Buffer.from(computeSignature(token, timestamp, nonce, encrypt));
  const given = Buffer.from(signature.toLowerCase());
  return expected.length === given.length && timingSafeEqual(expected, given);
}

// 43 chars; Base64 of key + "=" gives 32 bytes. Real keys have non-zero trailing bits
// (the official sample's ends in "C"), so canonical form is not required here.
export function isValidEncodingAesKey(s: string): boolean {
  return /^[A-Za-z0-9]{43}$/.test(s) && Buffer.from(`${s}=`, "base64").length === 32;
}

export function aesKey(encodingAesKey: string): Buffer {
  if (!isValidEncodingAesKey(encodingAesKey)) throw new WecomCryptoError(-40004, "invalid EncodingAESKey");
  return Buffer.from(`${encodingAesKey}=`, "base64");
}

// Buffer.from(s, "base64") skips junk silently; only canonical padded Base64 passes.
function decodeBase64(s: string): Buffer {
  const ok = s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);
  const bytes = Buffer.from(s, "base64");
  if (!ok || bytes.toString("base64") !== s) throw new WecomCryptoError(-40010, "invalid Base64 ciphertext");
  return bytes;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

// Callers must check the signature first: that keeps this from being a padding oracle.
export function decryptMessage(encodingAesKey: string, base64Ciphertext: string, receiveId: string): string {
  const key = aesKey(encodingAesKey);
  const data = decodeBase64(base64Ciphertext);
  if (data.length === 0 || data.length % BLOCK !== 0) throw new WecomCryptoError(-40008, "ciphertext length is not a multiple of 32");

  let plain: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-cbc", key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(data), decipher.final()]);
  } catch (e) {
    throw new WecomCryptoError(-40007, `AES decrypt failed: ${String(e)}`);
  }

  // Stricter than the official sample, which reads only the last byte (§8.4).
  const pad = plain[plain.length - 1] ?? 0;
  if (pad < 1 || pad > BLOCK || !plain.subarray(plain.length - pad).every((b) => b === pad)) {
    throw new WecomCryptoError(-40008, "bad padding");
  }
  const body = plain.subarray(0, plain.length - pad);
  if (body.length < HEADER) throw new WecomCryptoError(-40008, "plaintext too short");
  const msgLen = body.readUInt32BE(16);
  if (HEADER + msgLen > body.length) throw new WecomCryptoError(-40008, "msg_len exceeds plaintext");

  if (!body.subarray(HEADER + msgLen).equals(Buffer.from(receiveId, "utf8"))) {
    throw new WecomCryptoError(-40005, "receiveid mismatch");
  }
  try {
    return utf8.decode(body.subarray(HEADER, HEADER + msgLen));
  } catch {
    throw new WecomCryptoError(-40008, "msg is not valid UTF-8");
  }
}

export function encryptMessage(encodingAesKey: string, plaintext: string, receiveId: string, random16: Buffer = randomBytes(16)): string {
  const key = aesKey(encodingAesKey);
  if (random16.length !== 16) throw new RangeError("random16 must be 16 bytes");
  const msg = Buffer.from(plaintext, "utf8");
  const msgLen = Buffer.alloc(4);
  msgLen.writeUInt32BE(msg.length);
  const body = Buffer.concat([random16, msgLen, msg, Buffer.from(receiveId, "utf8")]);
  const pad = BLOCK - (body.length % BLOCK);

  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(body), cipher.update(Buffer.alloc(pad, pad)), cipher.final()]).toString("base64");
}
