// The reference of bench/callback-ingest.ts: the callback receiver a user would write instead of
// the service, from well-known parts. Hono on @hono/node-server, Tencent's @wecom/crypto to check
// the signature and decrypt, fast-xml-parser to read the envelope and the message, and one
// `INSERT … ON CONFLICT DO NOTHING` per callback through postgres.js (default pool), answering
// 200 "success" once the row is in. No batching, no deferred processing, no middleware. Served the
// same way as the service (serve-child.ts). Not a benchmark itself (bench/lib/).
import { timingSafeEqual } from "node:crypto";
import { decrypt, getSignature } from "@wecom/crypto";
import { XMLParser } from "fast-xml-parser";
import { Hono } from "hono";
import postgres from "postgres";
import { serveAsChild } from "./serve-child";

const { DATABASE_URL, TOKEN, ENCODING_AES_KEY, CORP_ID, TABLE } = process.env;
if (!DATABASE_URL || !TOKEN || !ENCODING_AES_KEY || !CORP_ID || !TABLE)
  throw new Error("DATABASE_URL, TOKEN, ENCODING_AES_KEY, CORP_ID and TABLE are required");
const token = TOKEN;
const aesKey = ENCODING_AES_KEY;
const corpId = CORP_ID;

const sql = postgres(DATABASE_URL, { onnotice: () => {} });
// Values stay strings: MsgIds are beyond 2^53.
const xml = new XMLParser({ parseTagValue: false });

type Fields = Record<string, string | undefined>;

function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given.toLowerCase());
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const app = new Hono().post("/wecom/:slug/callback", async (c) => {
  const { msg_signature: signature, timestamp, nonce } = c.req.query();
  if (!signature || !timestamp || !nonce) return c.text("missing signature", 400);
  const envelope = (xml.parse(await c.req.text()) as { xml?: Fields }).xml;
  const encrypted = envelope?.Encrypt;
  if (!encrypted) return c.text("no Encrypt", 400);
  if (!sameSignature(signature, getSignature(token, timestamp, nonce, encrypted))) return c.text("bad signature", 403);
  const { message, id } = decrypt(aesKey, encrypted);
  if (id !== corpId) return c.text("wrong receiver", 403);
  const msg = (xml.parse(message) as { xml?: Fields }).xml;
  if (!msg) return c.text("no message", 400);
  // WeCom's advice: MsgId for messages, FromUserName + CreateTime for events.
  const key = msg.MsgId ? `msg:${msg.MsgId}` : `event:${msg.FromUserName ?? ""}:${msg.CreateTime ?? ""}:${msg.Event ?? ""}`;
  await sql`insert into ${sql(TABLE)} (dedupe_key, payload) values (${key}, ${message}) on conflict (dedupe_key) do nothing`;
  return c.text("success");
});

serveAsChild(app.fetch, () => sql.end());
