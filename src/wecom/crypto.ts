// WeCom callback crypto (WXBizMsgCrypt), doc 90968 (加解密方案说明).
// Reference: docs/wecom.md#callback-crypto, vectors in docs/wecom.md#test-vectors.
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from "node:crypto";

// Codes of the official samples (docs/wecom.md#callback-crypto); local only, never returned by the API.
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
// run 1..32 and any built-in 16-byte unpadding fails once pad > 16 (docs/wecom.md#callback-crypto).
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

// A service holds a handful of keys (one per bound team): checking and decoding one per message
// cost more than the AES itself. A cache of derived keys, not of any state that must be shared.
const KEYS_KEPT = 256;
const derivedKeys = new Map<string, { key: Buffer; iv: Buffer }>();

/** The AES key and its IV (the key's first 16 bytes, doc 90968). */
function keyAndIv(encodingAesKey: string): { key: Buffer; iv: Buffer } {
  const kept = derivedKeys.get(encodingAesKey);
  if (kept) return kept;
  if (!isValidEncodingAesKey(encodingAesKey)) throw new WecomCryptoError(-40004, "invalid EncodingAESKey");
  const key = Buffer.from(`${encodingAesKey}=`, "base64");
  if (derivedKeys.size >= KEYS_KEPT) derivedKeys.clear();
  const derived = { key, iv: key.subarray(0, 16) };
  derivedKeys.set(encodingAesKey, derived);
  return derived;
}

export function aesKey(encodingAesKey: string): Buffer {
  return keyAndIv(encodingAesKey).key;
}

const B64_INDEX = new Int8Array(128).fill(-1);
for (const [i, ch] of [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].entries()) B64_INDEX[ch.charCodeAt(0)] = i;

/**
 * Only canonical padded Base64 passes. Buffer.from(s, "base64") skips junk (whitespace, "=" inside,
 * any other byte) silently, so a string with any is decoded shorter than its length promises; it
 * also takes the URL-safe "-" and "_", refused here; and a canonical string's last character
 * carries no bits past the data. Cheaper than encoding the bytes again and comparing.
 */
function decodeBase64(s: string): Buffer {
  const n = s.length;
  const pads = n > 0 && s.charCodeAt(n - 1) === 61 ? (s.charCodeAt(n - 2) === 61 ? 2 : 1) : 0;
  const bad = () => new WecomCryptoError(-40010, "invalid Base64 ciphertext");
  if (n % 4 !== 0 || s.includes("-") || s.includes("_")) throw bad();
  const bytes = Buffer.from(s, "base64");
  if (bytes.length !== (n / 4) * 3 - pads) throw bad();
  if (pads > 0) {
    const last = B64_INDEX[s.charCodeAt(n - pads - 1)] ?? -1;
    if (last < 0 || (last & (pads === 2 ? 0x0f : 0x03)) !== 0) throw bad();
  }
  return bytes;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

// Callers must check the signature first: that keeps this from being a padding oracle.
export function decryptMessage(encodingAesKey: string, base64Ciphertext: string, receiveId: string): string {
  const { key, iv } = keyAndIv(encodingAesKey);
  const data = decodeBase64(base64Ciphertext);
  if (data.length === 0 || data.length % BLOCK !== 0) throw new WecomCryptoError(-40008, "ciphertext length is not a multiple of 32");

  let plain: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-cbc", key, iv);
    decipher.setAutoPadding(false);
    // Without auto-padding and with whole blocks, final() adds nothing: no second buffer to join.
    plain = decipher.update(data);
    decipher.final();
  } catch (e) {
    throw new WecomCryptoError(-40007, `AES decrypt failed: ${String(e)}`);
  }

  // Stricter than the official sample, which reads only the last byte (docs/wecom.md#callback-crypto).
  const end = plain.length;
  const pad = plain[end - 1] ?? 0;
  let padOk = pad >= 1 && pad <= BLOCK;
  for (let i = end - pad; padOk && i < end; i++) padOk = plain[i] === pad;
  if (!padOk) throw new WecomCryptoError(-40008, "bad padding");
  const bodyEnd = end - pad;
  if (bodyEnd < HEADER) throw new WecomCryptoError(-40008, "plaintext too short");
  const msgLen = plain.readUInt32BE(16);
  const msgEnd = HEADER + msgLen;
  if (msgEnd > bodyEnd) throw new WecomCryptoError(-40008, "msg_len exceeds plaintext");

  if (bodyEnd - msgEnd !== Buffer.byteLength(receiveId, "utf8") || plain.toString("utf8", msgEnd, bodyEnd) !== receiveId) {
    throw new WecomCryptoError(-40005, "receiveid mismatch");
  }
  // Decoding leniently is several times faster than a fatal decoder; only a message that then holds
  // U+FFFD (invalid bytes, or rarely a real one) is decoded strictly to tell the two apart.
  const msg = plain.toString("utf8", HEADER, msgEnd);
  if (msg.includes("\uFFFD")) {
    try {
      utf8.decode(plain.subarray(HEADER, msgEnd));
    } catch {
      throw new WecomCryptoError(-40008, "msg is not valid UTF-8");
    }
  }
  return msg;
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
