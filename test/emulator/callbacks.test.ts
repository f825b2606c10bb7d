import { describe, expect, it } from "vitest";
import { DEFAULT_AGENT_ID, DEFAULT_CORP_ID, type CallbackRecord } from "../../src/emulator";
import { decryptMessage, verifySignature } from "../../src/wecom/crypto";
import type { WecomMessage } from "../../src/wecom/messages";
import { parseEnvelope, parseMessage } from "../../src/wecom/xml";
import { call, control, setup, token } from "./helpers";

const CB = {
  url: "https://roster.test/wecom/acme/callback",
  token: "Tok3n",
  encodingAesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
};

/** A tiny service stand-in: verifies and decrypts each push with src/wecom, like the real endpoint. */
function receiver(clockSeconds: () => number) {
  const got: { message: WecomMessage; xml: string; envelope: ReturnType<typeof parseEnvelope>; path: string }[] = [];
  const fetchCallback = ((input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    const body = typeof init?.body === "string" ? init.body : "";
    const q = (k: string) => url.searchParams.get(k) ?? "";
    if (init?.method === "GET") {
      // URL verification (docs/wecom.md#callback-delivery): answer the decrypted echostr verbatim.
      if (!verifySignature(q("msg_signature"), CB.token, q("timestamp"), q("nonce"), q("echostr")))
        return Promise.resolve(new Response("bad signature", { status: 401 }));
      return Promise.resolve(new Response(decryptMessage(CB.encodingAesKey, q("echostr"), DEFAULT_CORP_ID)));
    }
    const envelope = parseEnvelope(body);
    if (init?.method !== "POST" || !verifySignature(q("msg_signature"), CB.token, q("timestamp"), q("nonce"), envelope.encrypt)) {
      return Promise.resolve(new Response("bad signature", { status: 401 }));
    }
    if (Number(q("timestamp")) !== clockSeconds()) return Promise.resolve(new Response("stale", { status: 400 }));
    const xml = decryptMessage(CB.encodingAesKey, envelope.encrypt, DEFAULT_CORP_ID);
    got.push({ message: parseMessage(xml), xml, envelope, path: url.pathname });
    return Promise.resolve(new Response("", { status: 200 }));
  }) as typeof fetch;
  return { got, fetchCallback };
}

function ready() {
  let seconds = () => 0;
  const r = receiver(() => seconds());
  const s = setup({
    fetchCallback: r.fetchCallback,
    org: {
      departments: [
        { id: 1, name: "公司" },
        { id: 2, name: "研发中心", parentid: 1 },
        { id: 3, name: "市场部", parentid: 1 },
      ],
      users: [{ userid: "lisi", name: "李四", department: [2] }],
    },
  });
  seconds = () => Math.floor(s.clock.ms / 1000);
  return { ...s, got: r.got };
}

describe("org mutations push change_contact callbacks (docs/wecom.md#events-handled)", () => {
  it("create_user: signed, encrypted, full fields, envelope To=CorpID with empty AgentID", async () => {
    const { emu, got } = ready();
    await control(emu, "PUT", "/_emulator/callback", CB);
    const r = await control<{ callback: CallbackRecord }>(
      emu,
      "POST",
      "/_emulator/users",
      {
        userid: "ZhangSan",
        name: "张三",
        department: [2, 3],
        is_leader_in_dept: [1, 0],
        position: "产品经理",
        mobile: "13800000000",
        gender: "1",
        email: "zs@example.com",
      },
      201,
    );
    expect(r.callback).toMatchObject({ kind: "create_user", outcome: "sent", deliveries: [{ status: 200 }] });
    expect(got).toHaveLength(1);
    const { message, envelope, path } = got[0]!;
    expect(path).toBe("/wecom/acme/callback");
    expect(envelope.toUserName).toBe(DEFAULT_CORP_ID);
    expect(envelope.agentId ?? "").toBe("");
    expect(message).toMatchObject({
      kind: "change_contact",
      changeType: "create_user",
      toUserName: DEFAULT_CORP_ID,
      fromUserName: "sys",
      userId: "ZhangSan",
      name: "张三",
      department: ["2", "3"],
      status: "1",
    });
    expect(message.kind === "change_contact" && message.raw).toMatchObject({
      MainDepartment: "2",
      IsLeaderInDept: "1,0",
      Position: "产品经理",
      Mobile: "13800000000",
      Gender: "1",
      Email: "zs@example.com",
    });
    // The change is visible through the API, and the leader list follows is_leader_in_dept.
    const t = await token(emu);
    expect(await call(emu, "/cgi-bin/department/get?id=2", { token: t })).toMatchObject({
      department: { department_leader: ["ZhangSan"] },
    });
  });

  it("update_user carries only changed fields, NewUserID on a rename; delete_user the id", async () => {
    const { emu, got } = ready();
    await control(emu, "PUT", "/_emulator/callback", CB);
    await control(emu, "PATCH", "/_emulator/users/LISI", { position: "总监", status: 2 });
    expect(got[0]!.message).toMatchObject({ changeType: "update_user", userId: "lisi", status: "2" });
    expect(Object.keys((got[0]!.message as { raw: object }).raw).sort()).toEqual([
      "ChangeType",
      "CreateTime",
      "Event",
      "FromUserName",
      "MsgType",
      "Position",
      "Status",
      "ToUserName",
      "UserID",
    ]);

    await control(emu, "PATCH", "/_emulator/users/lisi", { newUserId: "lisi01", department: [3] });
    expect(got[1]!.message).toMatchObject({ changeType: "update_user", userId: "lisi", newUserId: "lisi01", department: ["3"] });
    expect((got[1]!.message as { raw: Record<string, string> }).raw.MainDepartment).toBe("3");
    const t = await token(emu);
    expect((await call(emu, "/cgi-bin/user/get?userid=lisi", { token: t })).errcode).toBe(60111);
    expect(await call(emu, "/cgi-bin/user/get?userid=lisi01", { token: t })).toMatchObject({
      errcode: 0,
      department: [3],
      main_department: 3,
      status: 2,
    });

    await control(emu, "DELETE", "/_emulator/users/lisi01");
    expect(got[2]!.message).toMatchObject({ changeType: "delete_user", userId: "lisi01" });
    expect((await call(emu, "/cgi-bin/user/get?userid=lisi01", { token: t })).errcode).toBe(60111);
  });

  it("create_party, update_party and delete_party", async () => {
    const { emu, got } = ready();
    await control(emu, "PUT", "/_emulator/callback", CB);
    const created = await control<{ department: { id: number } }>(
      emu,
      "POST",
      "/_emulator/departments",
      { name: "邮箱产品部", parentid: 2, order: 40 },
      201,
    );
    expect(created.department.id).toBe(4);
    await control(emu, "PATCH", "/_emulator/departments/4", { name: "邮件产品部", parentid: 3 });
    await control(emu, "DELETE", "/_emulator/departments/2", undefined, 409); // has a member
    await control(emu, "DELETE", "/_emulator/departments/4");
    expect(got.map((g) => g.message)).toMatchObject([
      { changeType: "create_party", departmentId: "4", name: "邮箱产品部", parentId: "2" },
      { changeType: "update_party", departmentId: "4", name: "邮件产品部", parentId: "3" },
      { changeType: "delete_party", departmentId: "4" },
    ]);
    expect((got[0]!.message as { raw: Record<string, string> }).raw.Order).toBe("40");
  });

  it("verifies the callback URL with a signed GET and an encrypted echostr", async () => {
    const { emu } = ready();
    await control(emu, "PUT", "/_emulator/callback", CB);
    expect(await control(emu, "POST", "/_emulator/callback/verify")).toMatchObject({ ok: true, status: 200 });
    await control(emu, "PUT", "/_emulator/callback", { ...CB, token: "Other" });
    expect(await control(emu, "POST", "/_emulator/callback/verify")).toMatchObject({ ok: false, status: 401 });
  });

  it("without a target the change still applies and nothing is sent", async () => {
    const { emu, got } = ready();
    const r = await control<{ callback: CallbackRecord }>(emu, "PATCH", "/_emulator/users/lisi", { name: "李四四" });
    expect(r.callback.outcome).toBe("no-target");
    expect(got).toHaveLength(0);
    expect(emu.state.org.getUser("lisi")?.name).toBe("李四四");
  });
});

describe("callback faults", () => {
  it("drop n pushes silently, then deliver again", async () => {
    const { emu, got } = ready();
    await control(emu, "PUT", "/_emulator/callback", CB);
    await control(emu, "PUT", "/_emulator/callback-faults", { drop: 2 });
    await control(emu, "PATCH", "/_emulator/users/lisi", { position: "a" });
    await control(emu, "PATCH", "/_emulator/users/lisi", { position: "b" });
    await control(emu, "PATCH", "/_emulator/users/lisi", { position: "c" });
    expect(got.map((g) => (g.message as { raw: Record<string, string> }).raw.Position)).toEqual(["c"]);
    const { callbacks } = await control<{ callbacks: CallbackRecord[] }>(emu, "GET", "/_emulator/callbacks");
    expect(callbacks.map((c) => c.outcome)).toEqual(["dropped", "dropped", "sent"]);
  });

  it("duplicate n pushes: each delivered twice, concurrently, both valid", async () => {
    const { emu, got } = ready();
    await control(emu, "PUT", "/_emulator/callback", CB);
    await control(emu, "PUT", "/_emulator/callback-faults", { duplicate: 1 });
    const r = await control<{ callback: CallbackRecord }>(emu, "PATCH", "/_emulator/users/lisi", { position: "a" });
    await control(emu, "PATCH", "/_emulator/users/lisi", { position: "b" });
    expect(r.callback.deliveries).toEqual([
      { status: 200, body: "" },
      { status: 200, body: "" },
    ]);
    expect(got).toHaveLength(3);
    expect(got[0]!.xml).toBe(got[1]!.xml);
    expect(got[0]!.envelope.encrypt).not.toBe(got[1]!.envelope.encrypt);
  });
});

describe("chat and card clicks (docs/wecom.md#events-handled)", () => {
  it("chat pushes a text message from the member with a 64-bit MsgId", async () => {
    const { emu, got } = ready();
    await control(emu, "PUT", "/_emulator/callback", CB);
    const a = await control<{ msgId: string }>(emu, "POST", "/_emulator/chat", { from: "LiSi", content: "同步" });
    const b = await control<{ msgId: string }>(emu, "POST", "/_emulator/chat", { from: "lisi", content: "help" });
    expect(BigInt(a.msgId)).toBeGreaterThan(2n ** 53n);
    expect(a.msgId).not.toBe(b.msgId);
    expect(got[0]!.envelope.agentId).toBe(String(DEFAULT_AGENT_ID));
    expect(got[0]!.message).toEqual({
      kind: "text",
      toUserName: DEFAULT_CORP_ID,
      fromUserName: "lisi",
      createTime: expect.any(Number) as unknown,
      msgType: "text",
      msgId: a.msgId,
      content: "同步",
      agentId: String(DEFAULT_AGENT_ID),
    });
  });

  it("a click on a button card pushes template_card_event with a ResponseCode usable once", async () => {
    const { emu, got } = ready();
    await control(emu, "PUT", "/_emulator/callback", CB);
    const t = await token(emu);
    await call(emu, "/cgi-bin/message/send", {
      token: t,
      body: {
        touser: "lisi",
        msgtype: "template_card",
        agentid: DEFAULT_AGENT_ID,
        template_card: {
          card_type: "button_interaction",
          task_id: "job_7",
          main_title: { title: "确认？" },
          button_list: [{ text: "允许", key: "confirm:7" }],
        },
      },
    });
    await control(emu, "POST", "/_emulator/cards/click", { userid: "lisi", taskId: "job_7", eventKey: "nope" }, 400);
    await control(emu, "POST", "/_emulator/cards/click", { userid: "someone", taskId: "job_7", eventKey: "confirm:7" }, 403);
    const click = await control<{ responseCode: string }>(emu, "POST", "/_emulator/cards/click", {
      userid: "lisi",
      taskId: "job_7",
      eventKey: "confirm:7",
    });
    expect(got[0]!.message).toMatchObject({
      kind: "template_card_event",
      fromUserName: "lisi",
      eventKey: "confirm:7",
      taskId: "job_7",
      cardType: "button_interaction",
      responseCode: click.responseCode,
      agentId: String(DEFAULT_AGENT_ID),
    });
    const update = { userids: ["lisi"], agentid: DEFAULT_AGENT_ID, response_code: click.responseCode, button: { replace_name: "已允许" } };
    expect((await call(emu, "/cgi-bin/message/update_template_card", { token: t, body: update })).errcode).toBe(0);
    expect((await call(emu, "/cgi-bin/message/update_template_card", { token: t, body: update })).errcode).toBe(42022);
  });
});
