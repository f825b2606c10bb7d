import { describe, expect, it } from "vitest";
import { DEFAULT_AGENT_ID, type InboxMessage } from "../../src/emulator";
import { call, control, setup, token } from "./helpers";

const ORG = {
  departments: [
    { id: 1, name: "公司", parentid: 0 },
    { id: 2, name: "研发中心", parentid: 1 },
    { id: 3, name: "外部", parentid: 1 },
  ],
  users: [
    { userid: "ZhangSan", name: "张三", department: [2] },
    { userid: "lisi", name: "李四", department: [2] },
    { userid: "outsider", name: "外人", department: [3] },
  ],
};

async function ready() {
  const s = setup();
  await control(s.emu, "POST", "/_emulator/reset", {
    org: ORG,
    apps: [
      { agentId: DEFAULT_AGENT_ID, secret: "s1", allowPartys: [2] },
      { agentId: 1000003, secret: "s2" },
    ],
  });
  return { ...s, t: await token(s.emu, "s1") };
}

const text = (touser: string, extra: Record<string, unknown> = {}) => ({
  touser,
  msgtype: "text",
  agentid: DEFAULT_AGENT_ID,
  text: { content: "你好" },
  ...extra,
});

describe("message/send (docs/wecom.md#messages-and-cards)", () => {
  it("delivers, lists invalid users lower-cased, and records the message", async () => {
    const { emu, t } = await ready();
    const r = await call(emu, "/cgi-bin/message/send", { token: t, body: text("zhangsan|NoSuchUser|Outsider") });
    expect(r).toEqual({ errcode: 0, errmsg: "ok", invaliduser: "nosuchuser|outsider", msgid: expect.any(String) as unknown });
    const { messages } = await control<{ messages: InboxMessage[] }>(emu, "GET", "/_emulator/messages");
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      agentId: DEFAULT_AGENT_ID,
      touser: ["zhangsan", "NoSuchUser", "Outsider"],
      msgtype: "text",
      body: text("zhangsan|NoSuchUser|Outsider"),
      invaliduser: ["nosuchuser", "outsider"],
      recipients: ["ZhangSan"],
      msgid: r.msgid,
    });
    expect((await call(emu, "/cgi-bin/message/send", { token: t, body: text("lisi") })).invaliduser).toBeUndefined();
    expect((await control<{ messages: unknown[] }>(emu, "GET", "/_emulator/messages?touser=LISI")).messages).toHaveLength(1);
  });

  it("81013 when every recipient is invalid, 82001 when none is given, 301002 for another app's agentid", async () => {
    const { emu, t } = await ready();
    expect((await call(emu, "/cgi-bin/message/send", { token: t, body: text("nobody|outsider") })).errcode).toBe(81013);
    expect((await call(emu, "/cgi-bin/message/send", { token: t, body: text("") })).errcode).toBe(82001);
    expect((await call(emu, "/cgi-bin/message/send", { token: t, body: text("lisi", { agentid: 1000003 }) })).errcode).toBe(301002);
    expect((await call(emu, "/cgi-bin/message/send", { token: t, body: text("lisi", { text: { content: "" } }) })).errcode).toBe(44004);
    expect((await call(emu, "/cgi-bin/message/send", { token: t })).errcode).toBe(43002);
    expect((await control<{ messages: unknown[] }>(emu, "GET", "/_emulator/messages")).messages).toHaveLength(0);
  });

  it("toparty reaches a department's members; @all the whole range", async () => {
    const { emu, t } = await ready();
    await call(emu, "/cgi-bin/message/send", { token: t, body: text("", { toparty: "2|3" }) });
    await call(emu, "/cgi-bin/message/send", { token: t, body: text("@all") });
    const { messages } = await control<{ messages: InboxMessage[] }>(emu, "GET", "/_emulator/messages");
    expect(messages.map((m) => [m.recipients, m.invalidparty])).toEqual([
      [["ZhangSan", "lisi"], ["3"]],
      [["ZhangSan", "lisi"], []],
    ]);
  });

  it("text_notice without card_action → 42045; with it, delivered", async () => {
    const { emu, t } = await ready();
    const card = { card_type: "text_notice", main_title: { title: "加入 Acme 团队" }, task_id: "inv_1" };
    const body = { touser: "lisi", msgtype: "template_card", agentid: DEFAULT_AGENT_ID, template_card: card };
    expect((await call(emu, "/cgi-bin/message/send", { token: t, body })).errcode).toBe(42045);
    const ok = await call(emu, "/cgi-bin/message/send", {
      token: t,
      body: { ...body, template_card: { ...card, card_action: { type: 1, url: "https://roster.example.com/join/x" } } },
    });
    expect(ok.errcode).toBe(0);
    expect(ok.response_code).toBeUndefined();
  });

  it("button_interaction returns a response_code that update_template_card accepts once (42022 after)", async () => {
    const { emu, t } = await ready();
    const r = await call(emu, "/cgi-bin/message/send", {
      token: t,
      body: {
        touser: "ZhangSan",
        msgtype: "template_card",
        agentid: DEFAULT_AGENT_ID,
        template_card: {
          card_type: "button_interaction",
          task_id: "job_42_confirm",
          main_title: { title: "确认移除 12 名成员？" },
          button_list: [
            { text: "允许", style: 1, key: "confirm:job_42" },
            { text: "拒绝", style: 2, key: "reject:job_42" },
          ],
        },
      },
    });
    expect(r).toMatchObject({ errcode: 0, response_code: expect.any(String) as unknown });
    const update = { userids: ["ZhangSan"], agentid: DEFAULT_AGENT_ID, response_code: r.response_code, button: { replace_name: "已允许" } };
    expect(await call(emu, "/cgi-bin/message/update_template_card", { token: t, body: update })).toEqual({ errcode: 0, errmsg: "ok" });
    expect((await call(emu, "/cgi-bin/message/update_template_card", { token: t, body: update })).errcode).toBe(42022);
    const { messages } = await control<{ messages: InboxMessage[] }>(emu, "GET", "/_emulator/messages");
    expect(messages.map((m) => m.api)).toEqual(["message/send", "message/update_template_card"]);
    expect(messages[1]).toMatchObject({ msgtype: "update_template_card", recipients: ["ZhangSan"], responseCode: r.response_code });
  });
});
