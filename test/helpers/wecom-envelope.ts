// Test-only WeCom callback sealing, written independently of src/wecom/crypto.ts: WebCrypto
// AES-CBC, atob/btoa and SubtleCrypto SHA-1 instead of node:crypto and Buffer, so a shared
// mistake cannot make both sides agree. Scheme: doc 90968, docs/wecom.md#callback-crypto.

const subtle = globalThis.crypto.subtle;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

// WeCom pads PKCS#7 to 32 bytes while AES blocks are 16 (doc 90968), so pads run 1..32.
const WECOM_BLOCK = 32;
const AES_BLOCK = 16;

function fromBase64(s: string): Uint8Array {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}

function toBase64(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function aes(encodingAesKey: string) {
  const raw = fromBase64(`${encodingAesKey}=`);
  if (raw.length !== 32) throw new Error(`EncodingAESKey decodes to ${raw.length} bytes`);
  const key = await subtle.importKey("raw", raw, "AES-CBC", false, ["encrypt", "decrypt"]);
  return { key, iv: raw.slice(0, AES_BLOCK) };
}

/** AES-256-CBC over bytes already padded to 16, adding no padding of its own. */
export async function encryptRawBlocks(encodingAesKey: string, padded: Uint8Array): Promise<string> {
  if (padded.length % AES_BLOCK !== 0) throw new Error("input must be a multiple of 16 bytes");
  const { key, iv } = await aes(encodingAesKey);
  const out = new Uint8Array(await subtle.encrypt({ name: "AES-CBC", iv }, key, padded));
  // For 16-aligned input WebCrypto appends one full 0x10 padding block; drop it.
  return toBase64(out.subarray(0, padded.length));
}

/** AES-256-CBC decrypt that leaves WeCom's 32-byte padding in place (docs/wecom.md#callback-crypto). */
export async function decryptRawBlocks(encodingAesKey: string, encrypt: string): Promise<Uint8Array> {
  const c = fromBase64(encrypt);
  if (c.length === 0 || c.length % AES_BLOCK !== 0) throw new Error("ciphertext is not whole AES blocks");
  const { key, iv } = await aes(encodingAesKey);
  // Encrypting nothing with iv = last block yields E(C_last XOR 0x10…10): an extra block
  // that decrypts to a full 0x10 pad, which WebCrypto strips, leaving our bytes untouched.
  const extra = new Uint8Array(await subtle.encrypt({ name: "AES-CBC", iv: c.slice(-AES_BLOCK) }, key, new Uint8Array(0)));
  return new Uint8Array(await subtle.decrypt({ name: "AES-CBC", iv }, key, concat(c, extra)));
}

export function framePlaintext(plaintext: string, receiveId: string, random: Uint8Array): Uint8Array {
  if (random.length !== 16) throw new Error("random must be 16 bytes");
  const msg = utf8.encode(plaintext);
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, msg.length, false);
  const body = concat(random, len, msg, utf8.encode(receiveId));
  const pad = WECOM_BLOCK - (body.length % WECOM_BLOCK);
  return concat(body, new Uint8Array(pad).fill(pad));
}

export async function sealPlaintext(encodingAesKey: string, plaintext: string, receiveId: string, random?: Uint8Array): Promise<string> {
  return encryptRawBlocks(encodingAesKey, framePlaintext(plaintext, receiveId, random ?? crypto.getRandomValues(new Uint8Array(16))));
}

export async function openEnvelopeIndependently(
  encodingAesKey: string,
  encrypt: string,
): Promise<{ msg: string; receiveId: string; pad: number }> {
  const plain = await decryptRawBlocks(encodingAesKey, encrypt);
  const pad = plain[plain.length - 1] ?? 0;
  if (plain.length % WECOM_BLOCK !== 0 || pad < 1 || pad > WECOM_BLOCK) throw new Error(`bad pad ${pad}`);
  if (!plain.subarray(plain.length - pad).every((b) => b === pad)) throw new Error("inconsistent pad bytes");
  const body = plain.subarray(0, plain.length - pad);
  const len = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(16, false);
  if (20 + len > body.length) throw new Error("msg_len beyond body");
  return {
    msg: strictUtf8.decode(body.subarray(20, 20 + len)),
    receiveId: strictUtf8.decode(body.subarray(20 + len)),
    pad,
  };
}

export async function signatureOf(token: string, timestamp: string, nonce: string, encrypt: string): Promise<string> {
  const joined = [token, timestamp, nonce, encrypt].sort().join("");
  const digest = new Uint8Array(await subtle.digest("SHA-1", utf8.encode(joined)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

export interface SealInput {
  token: string;
  encodingAesKey: string;
  receiveId: string;
  plaintext: string;
  timestamp: string;
  nonce: string;
  random?: Uint8Array;
}

export async function sealMessage(
  input: SealInput & { toUserName?: string; agentId?: string },
): Promise<{ encrypt: string; signature: string; body: string; query: { msg_signature: string; timestamp: string; nonce: string } }> {
  const encrypt = await sealPlaintext(input.encodingAesKey, input.plaintext, input.receiveId, input.random);
  const signature = await signatureOf(input.token, input.timestamp, input.nonce, encrypt);
  const agent = input.agentId === undefined ? "" : `<AgentID>${cdata(input.agentId)}</AgentID>`;
  const body = `<xml><ToUserName>${cdata(input.toUserName ?? input.receiveId)}</ToUserName>${agent}<Encrypt>${cdata(encrypt)}</Encrypt></xml>`;
  return { encrypt, signature, body, query: { msg_signature: signature, timestamp: input.timestamp, nonce: input.nonce } };
}

export async function sealEchostr(
  input: SealInput,
): Promise<{ query: { msg_signature: string; timestamp: string; nonce: string; echostr: string } }> {
  const echostr = await sealPlaintext(input.encodingAesKey, input.plaintext, input.receiveId, input.random);
  const signature = await signatureOf(input.token, input.timestamp, input.nonce, echostr);
  return { query: { msg_signature: signature, timestamp: input.timestamp, nonce: input.nonce, echostr } };
}

/** WeCom percent-encodes Base64's + / = as %2B %2F %3D (docs/wecom.md#callback-delivery). */
export function toQueryString(query: Record<string, string>): string {
  return Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
}

function cdata(v: string): string {
  return `<![CDATA[${v.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}

function elements(fields: Record<string, string | undefined>): string {
  return Object.entries(fields)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `<${k}>${cdata(v)}</${k}>`)
    .join("");
}

// Plaintext payloads shaped like docs/wecom.md#events-handled.
export function textMessageXml(m: {
  toUserName: string;
  fromUserName: string;
  content: string;
  msgId: string;
  createTime: number | string;
  agentId?: string;
}): string {
  return `<xml>${elements({ ToUserName: m.toUserName, FromUserName: m.fromUserName })}<CreateTime>${m.createTime}</CreateTime>${elements({
    MsgType: "text",
    Content: m.content,
  })}<MsgId>${m.msgId}</MsgId>${elements({ AgentID: m.agentId })}</xml>`;
}

export function changeContactXml(m: {
  toUserName: string;
  changeType: string;
  userId?: string;
  createTime: number | string;
  extra?: Record<string, string>;
}): string {
  return `<xml>${elements({ ToUserName: m.toUserName, FromUserName: "sys" })}<CreateTime>${m.createTime}</CreateTime>${elements({
    MsgType: "event",
    Event: "change_contact",
    ChangeType: m.changeType,
    UserID: m.userId,
    ...m.extra,
  })}</xml>`;
}

export function eventXml(m: {
  toUserName: string;
  fromUserName: string;
  event: string;
  createTime: number | string;
  agentId?: string;
}): string {
  return `<xml>${elements({ ToUserName: m.toUserName, FromUserName: m.fromUserName })}<CreateTime>${m.createTime}</CreateTime>${elements({
    MsgType: "event",
    Event: m.event,
    AgentID: m.agentId,
  })}</xml>`;
}
