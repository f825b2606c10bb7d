// Callback XML: the encrypted envelope (docs/wecom.md#callback-crypto), the decrypted payloads (docs/wecom.md#events-handled) and the
// passive encrypted reply (docs/wecom.md#passive-replies). All values stay strings (MsgId > 2^53, docs/wecom.md#conventions).
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { WecomCryptoError } from "./crypto";
import { APP_EVENTS, type AppEventName, type WecomMessage } from "./messages";

const parser = new XMLParser({
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type Fields = Record<string, unknown>;

const bad = (message: string) => new WecomCryptoError(-40002, message);

// WeCom never sends a DTD, so any "<!" that opens neither a comment nor CDATA (DOCTYPE,
// ENTITY, …) is refused, which rules out entity expansion. Comments and CDATA are skipped
// whole, in document order, so chat text like "<!DOCTYPE html>" inside <Content><![CDATA[…]]>
// is still accepted. indexOf keeps this linear on hostile input (this runs before the
// signature check).
function hasDtd(xml: string): boolean {
  for (let i = xml.indexOf("<!"); i >= 0;) {
    const close = xml.startsWith("<!--", i) ? "-->" : xml.startsWith("<![CDATA[", i) ? "]]>" : undefined;
    if (close === undefined) return true;
    const end = xml.indexOf(close, i + 4);
    if (end < 0) return true;
    i = xml.indexOf("<!", end + close.length);
  }
  return false;
}

/**
 * The fields of a document in the one shape WeCom sends almost always: `<xml>` holding elements
 * with a plain name, each once, each holding only `<![CDATA[…]]>` or text without markup or
 * entities, whitespace only between them. Null for anything else — attributes, nesting,
 * repeats, comments, declarations, entities, empty values, carriage returns — which the full
 * parse below reads (or refuses) as before. It answers exactly what that parse would for the
 * documents it accepts (test/wecom/xml.test.ts compares them), in one linear pass without the
 * validator's and the parser's second and third; those two were a fifth of a callback's CPU
 * (BENCHMARKS.md#callback-ingest).
 */
export function flatFields(xml: string): Fields | null {
  if (xml.includes("\r")) return null;
  let i = skipSpace(xml, 0);
  if (!xml.startsWith("<xml>", i)) return null;
  i += 5;
  const fields: Fields = {};
  for (;;) {
    i = skipSpace(xml, i);
    if (xml.startsWith("</xml>", i)) return skipSpace(xml, i + 6) === xml.length && Object.keys(fields).length > 0 ? fields : null;
    if (xml.charCodeAt(i) !== LT) return null;
    NAME.lastIndex = i + 1;
    const name = NAME.exec(xml)?.[0];
    if (name === undefined || Object.hasOwn(fields, name) || name in Object.prototype) return null;
    let at = i + 1 + name.length;
    if (xml.charCodeAt(at) !== GT) return null;
    at++;
    let value: string;
    if (xml.startsWith(CDATA, at)) {
      const end = xml.indexOf("]]>", at + CDATA.length);
      if (end < 0) return null;
      value = xml.slice(at + CDATA.length, end);
      at = end + 3;
    } else {
      const lt = xml.indexOf("<", at);
      if (lt < 0) return null;
      value = xml.slice(at, lt).trim();
      if (value.includes("&")) return null;
      at = lt;
    }
    if (value === "" || !xml.startsWith(`</${name}>`, at)) return null;
    fields[name] = value;
    i = at + name.length + 3;
  }
}

const LT = 60;
const GT = 62;
/** A subset of XML names: no colon (namespaces) and ASCII only, so both parses read it alike. */
const NAME = /[A-Za-z_][A-Za-z0-9_.-]*/y;

function skipSpace(xml: string, from: number): number {
  let i = from;
  for (let c = xml.charCodeAt(i); c === 32 || c === 9 || c === 10; c = xml.charCodeAt(++i));
  return i;
}

function parseRoot(xml: string): Fields {
  return flatFields(xml) ?? parseRootFully(xml);
}

/** The validated parse of any document: what flatFields answers for its shape, and every refusal. */
export function parseRootFully(xml: string): Fields {
  if (hasDtd(xml)) throw bad("DOCTYPE/ENTITY not allowed");
  if (XMLValidator.validate(xml) !== true) throw bad("not well-formed XML");
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch (e) {
    throw bad(`XML parse failed: ${String(e)}`);
  }
  if (!isRecord(doc) || Object.keys(doc).length !== 1 || !Object.hasOwn(doc, "xml")) throw bad("root element must be <xml>");
  const root = doc.xml;
  if (root === "") return {};
  if (!isRecord(root)) throw bad("<xml> has no child elements");
  return root;
}

function isRecord(v: unknown): v is Fields {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

// CDATA keeps its whitespace in fast-xml-parser while bare text is trimmed; trim both
// so <X><![CDATA[v]]></X> and <X>v</X> read the same (docs/wecom.md#events-handled: senders use either form).
function optional(fields: Fields, name: string): string | undefined {
  if (!Object.hasOwn(fields, name)) return undefined;
  const v = fields[name];
  if (typeof v !== "string") throw bad(`<${name}> must appear once, as text`);
  return v.trim();
}

function required(fields: Fields, name: string): string {
  const v = optional(fields, name);
  if (!v) throw bad(`<${name}> missing or empty`);
  return v;
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const OPEN = "<Encrypt>";
const CLOSE = "</Encrypt>";
const CDATA = "<![CDATA[";

/**
 * The envelope's `<Encrypt>` text, found by a few linear scans and nothing else: this runs on
 * unauthenticated input before the signature is checked, so it must cost about as little for 60
 * KiB as for 600 bytes. Only the two forms senders use are accepted, `<Encrypt>v</Encrypt>` and
 * `<Encrypt><![CDATA[v]]></Encrypt>`, once. The full, validated parse (parseEnvelope) comes after
 * the signature, and must find the same value.
 */
export function scanEncrypt(xml: string): string {
  const open = xml.indexOf(OPEN);
  if (open < 0) throw bad("<Encrypt> missing or empty");
  let from = open + OPEN.length;
  while (from < xml.length && /\s/.test(xml[from]!)) from++;
  let value: string;
  let close: number;
  if (xml.startsWith(CDATA, from)) {
    const end = xml.indexOf("]]>", from + CDATA.length);
    if (end < 0) throw bad("unterminated CDATA in <Encrypt>");
    value = xml.slice(from + CDATA.length, end);
    close = xml.indexOf(CLOSE, end + 3);
    if (close < 0 || xml.slice(end + 3, close).trim() !== "") throw bad("<Encrypt> must hold only its text");
  } else {
    close = xml.indexOf(CLOSE, from);
    if (close < 0) throw bad("unterminated <Encrypt>");
    value = xml.slice(from, close);
    if (value.includes("<")) throw bad("<Encrypt> must hold only its text");
  }
  if (xml.indexOf(OPEN, close) >= 0) throw bad("<Encrypt> must appear once, as text");
  value = value.trim();
  if (!value) throw bad("<Encrypt> missing or empty");
  return value;
}

export function parseEnvelope(xml: string): { toUserName?: string; agentId?: string; encrypt: string } {
  const f = parseRoot(xml);
  return withoutUndefined({
    toUserName: optional(f, "ToUserName"),
    agentId: optional(f, "AgentID"),
    encrypt: required(f, "Encrypt"),
  });
}

export function parseMessage(xml: string): WecomMessage {
  const f = parseRoot(xml);
  const msgType = required(f, "MsgType");
  const createTime = required(f, "CreateTime");
  if (!/^\d{1,15}$/.test(createTime)) throw bad("<CreateTime> is not a number of seconds");
  const common = {
    toUserName: required(f, "ToUserName"),
    fromUserName: required(f, "FromUserName"),
    createTime: Number(createTime),
    msgType,
  };
  const agentId = optional(f, "AgentID");

  if (msgType === "text") {
    return withoutUndefined({ kind: "text", ...common, msgId: required(f, "MsgId"), content: required(f, "Content"), agentId });
  }
  if (msgType !== "event") {
    return withoutUndefined({ kind: "other", ...common, msgId: optional(f, "MsgId"), agentId });
  }

  const event = required(f, "Event");
  if (event === "change_contact") {
    const department = optional(f, "Department");
    return withoutUndefined({
      kind: "change_contact",
      ...common,
      changeType: required(f, "ChangeType"),
      userId: optional(f, "UserID"),
      newUserId: optional(f, "NewUserID"),
      departmentId: optional(f, "Id"),
      parentId: optional(f, "ParentId"),
      name: optional(f, "Name"),
      department: department
        ?.split(",")
        .map((d) => d.trim())
        .filter((d) => d !== ""),
      status: optional(f, "Status"),
      raw: Object.fromEntries(Object.entries(f).flatMap(([k, v]) => (typeof v === "string" && k !== "#text" ? [[k, v.trim()]] : []))),
    });
  }
  if (event === "template_card_event") {
    // SelectedItems (vote/selection cards) is nested and deliberately not read here.
    return withoutUndefined({
      kind: "template_card_event",
      ...common,
      eventKey: required(f, "EventKey"),
      taskId: required(f, "TaskId"),
      cardType: required(f, "CardType"),
      responseCode: required(f, "ResponseCode"),
      agentId,
    });
  }
  if (isAppEvent(event)) {
    return withoutUndefined({ kind: "app_event", ...common, event, eventKey: optional(f, "EventKey"), agentId });
  }
  return withoutUndefined({ kind: "other", ...common, event, agentId });
}

function isAppEvent(e: string): e is AppEventName {
  return (APP_EVENTS as readonly string[]).includes(e);
}

// docs/wecom.md#passive-replies; the values go inside CDATA, so they must not be able to close it.
export function buildEncryptedReply(r: { encrypt: string; signature: string; timestamp: string; nonce: string }): string {
  if (!/^\d+$/.test(r.timestamp)) throw new RangeError("timestamp must be digits");
  if ([r.encrypt, r.signature, r.nonce].some((v) => v.includes("]]>"))) throw new RangeError("value would break CDATA");
  return (
    `<xml><Encrypt><![CDATA[${r.encrypt}]]></Encrypt>` +
    `<MsgSignature><![CDATA[${r.signature}]]></MsgSignature>` +
    `<TimeStamp>${r.timestamp}</TimeStamp>` +
    `<Nonce><![CDATA[${r.nonce}]]></Nonce></xml>`
  );
}
