// Decrypted callback payloads shaped as in docs/wecom.md#events-handled: text fields in CDATA, numbers bare
// (WeCom mixes both; the service accepts both).

/** A string goes in CDATA; a number or `{ bare }` is written as is. */
export type XmlValue = string | number | { bare: string };
export type XmlField = readonly [name: string, value: XmlValue | undefined];

function cdata(v: string): string {
  return `<![CDATA[${v.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}

export function xmlDocument(fields: readonly XmlField[]): string {
  const body = fields
    .filter((f): f is readonly [string, XmlValue] => f[1] !== undefined)
    .map(([k, v]) => `<${k}>${typeof v === "string" ? cdata(v) : typeof v === "number" ? String(v) : v.bare}</${k}>`)
    .join("");
  return `<xml>${body}</xml>`;
}

/** docs/wecom.md#events-handled: `fields` follow ChangeType (UserID…, or Id…). */
export function changeContactXml(corpId: string, createTime: number, changeType: string, fields: readonly XmlField[]): string {
  return xmlDocument([
    ["ToUserName", corpId],
    ["FromUserName", "sys"],
    ["CreateTime", createTime],
    ["MsgType", "event"],
    ["Event", "change_contact"],
    ["ChangeType", changeType],
    ...fields,
  ]);
}

/** docs/wecom.md#events-handled. MsgId is a 64-bit integer written bare (docs/wecom.md#conventions). */
export function textMessageXml(m: {
  corpId: string;
  from: string;
  createTime: number;
  content: string;
  msgId: string;
  agentId: number;
}): string {
  return xmlDocument([
    ["ToUserName", m.corpId],
    ["FromUserName", m.from],
    ["CreateTime", m.createTime],
    ["MsgType", "text"],
    ["Content", m.content],
    ["MsgId", { bare: m.msgId }],
    ["AgentID", m.agentId],
  ]);
}

/** docs/wecom.md#events-handled (no SelectedItems: the emulator clicks buttons only). */
export function cardEventXml(m: {
  corpId: string;
  from: string;
  createTime: number;
  eventKey: string;
  taskId: string;
  cardType: string;
  responseCode: string;
  agentId: number;
}): string {
  return xmlDocument([
    ["ToUserName", m.corpId],
    ["FromUserName", m.from],
    ["CreateTime", m.createTime],
    ["MsgType", "event"],
    ["Event", "template_card_event"],
    ["EventKey", m.eventKey],
    ["TaskId", m.taskId],
    ["CardType", m.cardType],
    ["ResponseCode", m.responseCode],
    ["AgentID", m.agentId],
  ]);
}
