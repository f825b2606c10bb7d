import { describe, expect, it } from "vitest";
import { WecomCryptoError, type WecomCryptoCode } from "../../src/wecom/crypto";
import { dedupeKey, handlerKey } from "../../src/wecom/messages";
import { buildEncryptedReply, flatFields, parseEnvelope, parseMessage, parseRootFully, scanEncrypt } from "../../src/wecom/xml";
import { changeContactXml, eventXml, textMessageXml } from "../helpers/wecom-envelope";

function expectCode(fn: () => unknown, code: WecomCryptoCode): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(WecomCryptoError);
  expect((thrown as WecomCryptoError).code).toBe(code);
}

describe("parseEnvelope", () => {
  it("reads CDATA and bare values in any order", () => {
    const expected = { toUserName: "ww1", agentId: "1000002", encrypt: "abc+/=" };
    for (const xml of [
      "<xml><ToUserName><![CDATA[ww1]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID><Encrypt><![CDATA[abc+/=]]></Encrypt></xml>",
      "<xml><Encrypt>abc+/=</Encrypt><AgentID>1000002</AgentID><ToUserName>ww1</ToUserName></xml>",
      '<?xml version="1.0" encoding="UTF-8"?>\n<xml>\n  <AgentID> 1000002 </AgentID>\n  <Encrypt><![CDATA[ abc+/= ]]></Encrypt>\n  <ToUserName>ww1</ToUserName>\n</xml>\n',
    ]) {
      expect(parseEnvelope(xml)).toEqual(expected);
    }
  });

  it("leaves out ToUserName and AgentID when absent (contact-sync sends no AgentID)", () => {
    expect(parseEnvelope("<xml><Encrypt>abc</Encrypt></xml>")).toStrictEqual({ encrypt: "abc" });
  });

  it("-40002 on missing or empty Encrypt, a foreign root, non-XML and malformed XML", () => {
    for (const xml of [
      "<xml><ToUserName>ww1</ToUserName></xml>",
      "<xml><Encrypt></Encrypt></xml>",
      "<xml><Encrypt><![CDATA[  ]]></Encrypt></xml>",
      "<xml></xml>",
      "<xml>text</xml>",
      "<root><Encrypt>abc</Encrypt></root>",
      "<xml><Encrypt>abc</Encrypt></xml><xml><Encrypt>def</Encrypt></xml>",
      "<xml><Encrypt>abc</Encrypt><Encrypt>def</Encrypt></xml>",
      "<xml><Encrypt><A>abc</A></Encrypt></xml>",
      "<xml><Encrypt>abc</Encrypt>",
      "<xml><Encrypt>abc</xml>",
      "<xml><Encrypt>abc</Encrypt></xml>trailing",
      "hello",
      "",
      '{"Encrypt":"abc"}',
      "<xml><constructor>1</constructor><Encrypt>abc</Encrypt></xml>",
    ]) {
      expectCode(() => parseEnvelope(xml), -40002);
    }
  });

  it("-40002 on a DOCTYPE or ENTITY declaration, before any expansion", () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><xml><Encrypt>&c;</Encrypt></xml>';
    expectCode(() => parseEnvelope(laughs), -40002);
    expectCode(() => parseEnvelope("<!doctype xml><xml><Encrypt>abc</Encrypt></xml>"), -40002);
    expectCode(() => parseEnvelope('<xml><Encrypt>abc</Encrypt><!ENTITY x "y"></xml>'), -40002);
    expectCode(() => parseEnvelope('<!-- <![CDATA[ --><!DOCTYPE xml [<!ENTITY a "b">]><xml><Encrypt>&a;</Encrypt></xml>]]>'), -40002);
    expectCode(() => parseEnvelope("<![CDATA[x]]><!DOCTYPE xml><xml><Encrypt>abc</Encrypt></xml>"), -40002);
  });

  it("accepts DOCTYPE-like text inside CDATA or a comment (a member may paste HTML)", () => {
    const xml = textMessageXml({
      toUserName: "c",
      fromUserName: "u",
      content: '<!DOCTYPE html><!ENTITY x "y">',
      msgId: "1",
      createTime: 1,
    });
    expect(parseMessage(xml)).toMatchObject({ content: '<!DOCTYPE html><!ENTITY x "y">' });
    expect(parseEnvelope("<!-- <!DOCTYPE --><xml><Encrypt>abc</Encrypt></xml>")).toEqual({ encrypt: "abc" });
  });
});

// docs/wecom.md#events-handled samples, verbatim.
const samples = {
  createUser: `<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1403610513</CreateTime>
<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event><ChangeType>create_user</ChangeType><UserID><![CDATA[zhangsan]]></UserID>
<Name><![CDATA[张三]]></Name><Department><![CDATA[1,2,3]]></Department><MainDepartment>1</MainDepartment><IsLeaderInDept><![CDATA[1,0,0]]></IsLeaderInDept>
<DirectLeader><![CDATA[lisi,wangwu]]></DirectLeader><Position><![CDATA[产品经理]]></Position><Mobile>13800000000</Mobile>
<Gender>1</Gender><Email><![CDATA[zhangsan@gzdev.com]]></Email><Status>1</Status><Alias><![CDATA[zhangsan]]></Alias></xml>`,
  updateUser: `<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1403610513</CreateTime>
<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event><ChangeType>update_user</ChangeType>
<UserID><![CDATA[zhangsan]]></UserID><NewUserID><![CDATA[zhangsan01]]></NewUserID><Status>2</Status></xml>`,
  createParty: `<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1403610513</CreateTime>
<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event><ChangeType>create_party</ChangeType><Id>2</Id><Name><![CDATA[张三]]></Name><ParentId><![CDATA[1]]></ParentId><Order>1</Order></xml>`,
  updateTag: `<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1403610513</CreateTime>
<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event><ChangeType><![CDATA[update_tag]]></ChangeType>
<TagId>1</TagId><AddUserItems><![CDATA[zhangsan,lisi]]></AddUserItems><DelUserItems><![CDATA[zhangsan1,lisi1]]></DelUserItems>
<AddPartyItems><![CDATA[1,2]]></AddPartyItems><DelPartyItems><![CDATA[3,4]]></DelPartyItems></xml>`,
  text: `<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1348831860</CreateTime>
<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[this is a test]]></Content><MsgId>1234567890123456</MsgId><AgentID>1</AgentID></xml>`,
  subscribe: `<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[UserID]]></FromUserName>
<CreateTime>1348831860</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><AgentID>1</AgentID></xml>`,
  cardClick: `<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[FromUser]]></FromUserName><CreateTime>123456789</CreateTime>
<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[key111]]></EventKey><TaskId><![CDATA[taskid111]]></TaskId><CardType><![CDATA[text_notice]]></CardType>
<ResponseCode><![CDATA[ResponseCode]]></ResponseCode><AgentID>1</AgentID><SelectedItems><SelectedItem><QuestionKey><![CDATA[QuestionKey1]]></QuestionKey>
<OptionIds><OptionId><![CDATA[OptionId1]]></OptionId><OptionId><![CDATA[OptionId2]]></OptionId></OptionIds></SelectedItem></SelectedItems></xml>`,
  batchJob: `<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1425284517</CreateTime>
<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[batch_job_result]]></Event><BatchJob><JobId><![CDATA[S0MrnndvRG5fadSlLwiBqiDDbM143UqTmKP3152FZk4]]></JobId><JobType><![CDATA[sync_user]]></JobType><ErrCode>0</ErrCode><ErrMsg><![CDATA[ok]]></ErrMsg></BatchJob></xml>`,
  image: `<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1348831860</CreateTime>
<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://example.com/p.jpg]]></PicUrl><MediaId><![CDATA[media_id]]></MediaId><MsgId>4561255354251345929</MsgId><AgentID>1</AgentID></xml>`,
};

const common = (toUserName: string, fromUserName: string, createTime: number, msgType: string) => ({
  toUserName,
  fromUserName,
  createTime,
  msgType,
});

describe("parseMessage", () => {
  it("text (docs/wecom.md#php-sample vector): MsgId beyond 2^53 stays an exact string", () => {
    const xml =
      "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>";
    const m = parseMessage(xml);
    expect(m).toStrictEqual({
      kind: "text",
      ...common("wx5823bf96d3bd56c7", "mycreate", 1409659813, "text"),
      msgId: "4561255354251345929",
      content: "hello",
      agentId: "218",
    });
    expect(String(Number("4561255354251345929"))).not.toBe("4561255354251345929");
    expect(handlerKey(m)).toBe("text");
    expect(dedupeKey(m, xml)).toBe("msg:4561255354251345929");
  });

  it("text with bare values and multi-byte content (docs/wecom.md#python-sample vector)", () => {
    const xml =
      "<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName><CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content><MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>";
    expect(parseMessage(xml)).toMatchObject({
      kind: "text",
      content: "你好",
      msgId: "1456453720",
      agentId: "1000002",
      createTime: 1476422779,
    });
  });

  it("CDATA and bare values read the same, in any element order", () => {
    const bare =
      "<xml><MsgId>42</MsgId><Content>hi</Content><MsgType>text</MsgType><CreateTime>1</CreateTime><FromUserName>u</FromUserName><ToUserName>c</ToUserName></xml>";
    const cdata = textMessageXml({ toUserName: "c", fromUserName: "u", content: "hi", msgId: "42", createTime: 1 });
    expect(parseMessage(bare)).toStrictEqual(parseMessage(cdata));
  });

  it("keeps markup-like content from CDATA literally", () => {
    const xml = textMessageXml({ toUserName: "c", fromUserName: "u", content: "a <b> & ]]> c", msgId: "1", createTime: 1 });
    expect(parseMessage(xml)).toMatchObject({ content: "a <b> & ]]> c" });
  });

  it("text (docs/wecom.md#events-handled)", () => {
    expect(parseMessage(samples.text)).toStrictEqual({
      kind: "text",
      ...common("toUser", "fromUser", 1348831860, "text"),
      msgId: "1234567890123456",
      content: "this is a test",
      agentId: "1",
    });
  });

  it("change_contact create_user (docs/wecom.md#events-handled): department split, raw fields kept", () => {
    const m = parseMessage(samples.createUser);
    expect(m).toMatchObject({
      kind: "change_contact",
      ...common("toUser", "sys", 1403610513, "event"),
      changeType: "create_user",
      userId: "zhangsan",
      name: "张三",
      department: ["1", "2", "3"],
      status: "1",
    });
    if (m.kind !== "change_contact") throw new Error("wrong kind");
    expect(m.raw).toMatchObject({
      Mobile: "13800000000",
      MainDepartment: "1",
      IsLeaderInDept: "1,0,0",
      DirectLeader: "lisi,wangwu",
      Position: "产品经理",
    });
    expect(m.newUserId).toBeUndefined();
    expect(handlerKey(m)).toBe("event:change_contact");
  });

  it("change_contact update_user with NewUserID (docs/wecom.md#events-handled)", () => {
    expect(parseMessage(samples.updateUser)).toMatchObject({
      kind: "change_contact",
      changeType: "update_user",
      userId: "zhangsan",
      newUserId: "zhangsan01",
      status: "2",
    });
  });

  it("change_contact create_party (docs/wecom.md#events-handled): Id becomes departmentId", () => {
    const m = parseMessage(samples.createParty);
    expect(m).toMatchObject({ kind: "change_contact", changeType: "create_party", departmentId: "2", parentId: "1", name: "张三" });
    expect(m).not.toHaveProperty("userId");
  });

  it("change_contact update_tag in CDATA (docs/wecom.md#events-handled)", () => {
    const m = parseMessage(samples.updateTag);
    expect(m).toMatchObject({
      kind: "change_contact",
      changeType: "update_tag",
      raw: { TagId: "1", AddUserItems: "zhangsan,lisi", DelPartyItems: "3,4" },
    });
  });

  it("change_contact from the test builder", () => {
    const xml = changeContactXml({
      toUserName: "ww1",
      changeType: "update_user",
      userId: "li",
      createTime: 5,
      extra: { Department: "", MainDepartment: "7" },
    });
    expect(parseMessage(xml)).toMatchObject({ kind: "change_contact", userId: "li", department: [], raw: { MainDepartment: "7" } });
  });

  it("app events (docs/wecom.md#events-handled): subscribe, unsubscribe, enter_agent, click, view", () => {
    const m = parseMessage(samples.subscribe);
    expect(m).toStrictEqual({ kind: "app_event", ...common("toUser", "UserID", 1348831860, "event"), event: "subscribe", agentId: "1" });
    expect(handlerKey(m)).toBe("event:subscribe");
    for (const event of ["unsubscribe", "enter_agent", "click", "view"]) {
      const e = parseMessage(eventXml({ toUserName: "ww1", fromUserName: "li", event, createTime: 9, agentId: "1000002" }));
      expect(e).toMatchObject({ kind: "app_event", event, agentId: "1000002" });
      expect(handlerKey(e)).toBe(`event:${event}`);
    }
    const enter = parseMessage(
      samples.subscribe.replace("subscribe", "enter_agent").replace("</xml>", "<EventKey><![CDATA[]]></EventKey></xml>"),
    );
    expect(enter).toMatchObject({ kind: "app_event", event: "enter_agent", eventKey: "" });
  });

  it("template_card_event (docs/wecom.md#events-handled), nested SelectedItems ignored", () => {
    const m = parseMessage(samples.cardClick);
    expect(m).toStrictEqual({
      kind: "template_card_event",
      ...common("toUser", "FromUser", 123456789, "event"),
      eventKey: "key111",
      taskId: "taskid111",
      cardType: "text_notice",
      responseCode: "ResponseCode",
      agentId: "1",
    });
    expect(handlerKey(m)).toBe("event:template_card_event");
  });

  it("other: batch_job_result (docs/wecom.md#events-handled), image, unknown events and an Event with no name", () => {
    const job = parseMessage(samples.batchJob);
    expect(job).toStrictEqual({ kind: "other", ...common("toUser", "sys", 1425284517, "event"), event: "batch_job_result" });
    expect(handlerKey(job)).toBe("event:batch_job_result");

    const image = parseMessage(samples.image);
    expect(image).toStrictEqual({
      kind: "other",
      ...common("toUser", "fromUser", 1348831860, "image"),
      msgId: "4561255354251345929",
      agentId: "1",
    });
    expect(handlerKey(image)).toBe("image");
    expect(dedupeKey(image, samples.image)).toBe("msg:4561255354251345929");

    const location = parseMessage(eventXml({ toUserName: "c", fromUserName: "u", event: "LOCATION", createTime: 1 }));
    expect(handlerKey(location)).toBe("event:LOCATION");
  });

  it("-40002 on a missing MsgType, Event or required field, or a non-numeric CreateTime", () => {
    for (const xml of [
      samples.text.replace("<MsgType><![CDATA[text]]></MsgType>", ""),
      samples.text.replace("<MsgId>1234567890123456</MsgId>", ""),
      samples.text.replace("1348831860", "soon"),
      samples.subscribe.replace("<Event><![CDATA[subscribe]]></Event>", ""),
      samples.updateUser.replace("<ChangeType>update_user</ChangeType>", ""),
      samples.cardClick.replace("<TaskId><![CDATA[taskid111]]></TaskId>", ""),
      samples.text.replace("<MsgType><![CDATA[text]]></MsgType>", "<MsgType>text</MsgType><MsgType>image</MsgType>"),
      "<xml><MsgType>text</MsgType></xml>",
      "not xml",
      "<!DOCTYPE xml><xml><MsgType>text</MsgType></xml>",
    ]) {
      expectCode(() => parseMessage(xml), -40002);
    }
  });
});

describe("dedupeKey (docs/wecom.md#dedupe-keys)", () => {
  it("hashes events: same XML → same key, two changes in the same second from sys → two keys", () => {
    const a = changeContactXml({ toUserName: "ww1", changeType: "update_user", userId: "alice", createTime: 1700000000 });
    const b = changeContactXml({ toUserName: "ww1", changeType: "update_user", userId: "bob", createTime: 1700000000 });
    const ma = parseMessage(a);
    const mb = parseMessage(b);
    expect(ma.kind).toBe("change_contact");
    expect(ma.fromUserName).toBe(mb.fromUserName);
    expect(ma.createTime).toBe(mb.createTime);
    expect(dedupeKey(ma, a)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(dedupeKey(ma, a)).toBe(dedupeKey(parseMessage(a), a));
    expect(dedupeKey(ma, a)).not.toBe(dedupeKey(mb, b));
  });

  it("hashes card clicks and app events, keys text by MsgId", () => {
    expect(dedupeKey(parseMessage(samples.cardClick), samples.cardClick)).toMatch(/^sha256:/);
    expect(dedupeKey(parseMessage(samples.subscribe), samples.subscribe)).toMatch(/^sha256:/);
    const t1 = textMessageXml({ toUserName: "c", fromUserName: "u", content: "a", msgId: "9007199254740993", createTime: 1 });
    const t2 = textMessageXml({ toUserName: "c", fromUserName: "u", content: "a", msgId: "9007199254740993", createTime: 2 });
    expect(dedupeKey(parseMessage(t1), t1)).toBe("msg:9007199254740993");
    expect(dedupeKey(parseMessage(t2), t2)).toBe("msg:9007199254740993");
  });
});

describe("buildEncryptedReply (docs/wecom.md#passive-replies)", () => {
  it("round-trips through parseEnvelope", () => {
    const xml = buildEncryptedReply({ encrypt: "abc+/==", signature: "0f", timestamp: "1411525903", nonce: "461056294" });
    expect(xml).toBe(
      "<xml><Encrypt><![CDATA[abc+/==]]></Encrypt><MsgSignature><![CDATA[0f]]></MsgSignature><TimeStamp>1411525903</TimeStamp><Nonce><![CDATA[461056294]]></Nonce></xml>",
    );
    expect(parseEnvelope(xml)).toEqual({ encrypt: "abc+/==" });
  });

  it("refuses values that would break the XML", () => {
    expect(() => buildEncryptedReply({ encrypt: "a", signature: "b", timestamp: "1<", nonce: "n" })).toThrow(RangeError);
    expect(() => buildEncryptedReply({ encrypt: "a", signature: "b", timestamp: "1", nonce: "]]><x/>" })).toThrow(RangeError);
  });
});

describe("scanEncrypt (before the signature: a bounded scan, no parse)", () => {
  it("reads the two forms senders use, trimmed", () => {
    expect(scanEncrypt("<xml><ToUserName><![CDATA[ww1]]></ToUserName><Encrypt><![CDATA[abc=]]></Encrypt></xml>")).toBe("abc=");
    expect(scanEncrypt("<xml><Encrypt>\n  abc \n</Encrypt></xml>")).toBe("abc");
    expect(scanEncrypt("<xml><Encrypt> <![CDATA[abc]]> </Encrypt></xml>")).toBe("abc");
  });

  it("-40002 when it is missing, empty, unterminated, holds markup or appears twice", () => {
    for (const xml of [
      "hello",
      "<xml><Encrypt></Encrypt></xml>",
      "<xml><Encrypt><![CDATA[]]></Encrypt></xml>",
      "<xml><Encrypt>abc",
      "<xml><Encrypt><![CDATA[abc</Encrypt></xml>",
      "<xml><Encrypt><![CDATA[a]]>b</Encrypt></xml>",
      "<xml><Encrypt>a<b/></Encrypt></xml>",
      "<xml><Encrypt>a</Encrypt><!-- <Encrypt>b</Encrypt> --></xml>",
    ])
      expectCode(() => scanEncrypt(xml), -40002);
  });

  it("never expands entities: a DTD is only text to it, refused by the full parse after the signature", () => {
    const bomb = '<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><xml><Encrypt>&b;</Encrypt></xml>';
    expect(scanEncrypt(bomb)).toBe("&b;");
    expectCode(() => parseEnvelope(bomb), -40002);
  });
});

describe("the flat reading (one pass for the shape WeCom sends)", () => {
  /** A seeded generator, so a failure names a document that can be run again. */
  function random(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

  const NAMES = [
    "ToUserName",
    "Encrypt",
    "AgentID",
    "MsgType",
    "Content",
    "a.b",
    "a-b",
    "_x",
    "x1",
    "1x",
    "a:b",
    "名字",
    "__proto__",
    "toString",
    "xml",
    "#text",
  ];
  const PIECES = [
    "a",
    "Z",
    "0",
    " ",
    "\n",
    "\t",
    "\r",
    "<",
    ">",
    "&",
    "&amp;",
    "&lt;",
    "&#60;",
    "]",
    "]]",
    "]]>",
    "'",
    '"',
    "你好",
    "\u0000",
    "\u0001",
    "\uFFFE",
    "\u3000",
    "\u00A0",
    "\u2028",
    "\uFEFF",
    "<!DOCTYPE x>",
    "<!--c-->",
    "<a>",
    "</a>",
    "<?pi?>",
  ];
  const GAPS = ["", "", " ", "\n  ", "\t", "text", "<!--c-->", "&amp;"];
  const ROOTS: [string, string][] = [
    ["<xml>", "</xml>"],
    ["<xml>", "</xml>"],
    [" <xml>", "</xml>\n"],
    ["<xml >", "</xml>"],
    ["<XML>", "</XML>"],
    ['<?xml version="1.0"?><xml>', "</xml>"],
    ["<xml>", ""],
    ["<xml>", "</xml>x"],
  ];

  function text(r: () => number): string {
    let t = "";
    for (let n = Math.floor(r() * 6); n > 0; n--) t += pick(r, PIECES);
    return t;
  }

  /** An element; `tidy` ones are of the flat shape's forms (their names and text may still fall outside it). */
  function element(r: () => number, tidy: boolean): string {
    const name = pick(r, NAMES);
    const v = text(r);
    switch (Math.floor(r() * (tidy ? 5 : 9))) {
      case 0:
      case 1:
      case 2:
        return `<${name}><![CDATA[${v}]]></${name}>`;
      case 3:
      case 4:
        return `<${name}>${v}</${name}>`;
      case 5:
        return `<${name}> <![CDATA[${v}]]> </${name}>`;
      case 6:
        return `<${name} id="1">${v}</${name}>`;
      case 7:
        return `<${name}><Item>${v}</Item><Item>x</Item></${name}>`;
      default:
        return r() < 0.5 ? `<${name}/>` : `<${name}>${v}</Other>`;
    }
  }

  it("answers for 20,000 generated documents exactly what the full parse answers, or leaves them to it", () => {
    const r = random(20261207);
    let flat = 0;
    let refusedByBoth = 0;
    for (let n = 0; n < 20_000; n++) {
      // Half the documents keep to the flat shape's forms, so that both paths are compared often.
      const tidy = r() < 0.5;
      const [open, close] = tidy ? ROOTS[0]! : pick(r, ROOTS);
      let body = "";
      for (let k = 1 + Math.floor(r() * 5); k > 0; k--)
        body += pick(r, GAPS.slice(0, 4)) + element(r, tidy) + (!tidy && r() < 0.1 ? pick(r, GAPS) : "");
      const xml = open + body + close;
      const fast = flatFields(xml);
      let full: unknown;
      try {
        full = parseRootFully(xml);
      } catch (e) {
        expect(e, xml).toBeInstanceOf(WecomCryptoError);
        expect(fast, `the flat reading took what the full parse refuses: ${JSON.stringify(xml)}`).toBeNull();
        refusedByBoth++;
        continue;
      }
      if (fast === null) continue;
      flat++;
      expect(fast, JSON.stringify(xml)).toEqual(full);
    }
    // Both kinds occurred often enough for the comparison to mean something.
    expect(flat).toBeGreaterThan(500);
    expect(refusedByBoth).toBeGreaterThan(500);
  });

  it("reads the documents WeCom sends, and leaves nested, repeated, attributed and entity-bearing ones to the full parse", () => {
    expect(
      flatFields(
        textMessageXml({
          toUserName: "ww1",
          fromUserName: "zhangsan",
          content: "同步 <b>&</b>",
          msgId: "4561255354251345929",
          createTime: 1409659813,
          agentId: "218",
        }),
      ),
    ).toMatchObject({ MsgType: "text", Content: "同步 <b>&</b>" });
    expect(flatFields("<xml><A> 1 </A>\n<B><![CDATA[ 2 ]]></B></xml>")).toEqual({ A: "1", B: " 2 " });
    for (const other of [
      "<xml><A>1</A><A>2</A></xml>",
      "<xml><A><B>1</B></A></xml>",
      '<xml><A id="1">1</A></xml>',
      "<xml><A>&lt;</A></xml>",
      "<xml><A>1</A><!--c--></xml>",
      "<xml><A></A></xml>",
      "<xml></xml>",
      "<!DOCTYPE xml><xml><A>1</A></xml>",
      "<xml><__proto__>1</__proto__></xml>",
    ])
      expect(flatFields(other), other).toBeNull();
  });
});
