import { describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator";
import { call, control, setup, token } from "./helpers";

const form = (emu: Emulator, path: string, fields: Record<string, string>) =>
  emu.fetch(path, {
    method: "POST",
    body: new URLSearchParams(fields).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
    redirect: "manual",
  });
const page = async (emu: Emulator, path: string) => {
  const res = await emu.fetch(path);
  return { status: res.status, html: await res.text() };
};
const firstUser = async (emu: Emulator) => {
  const org = await control<{ users: { userid: string; name: string }[] }>(emu, "GET", "/_emulator/org");
  return org.users[0]!;
};
const callbacks = async (emu: Emulator) =>
  (await control<{ callbacks: { kind: string; xml: string }[] }>(emu, "GET", "/_emulator/callbacks")).callbacks;

describe("the emulator's chat page", () => {
  it("lists members, and writing as one pushes a text callback and shows the line in the feed", async () => {
    const { emu } = setup();
    const u = await firstUser(emu);
    const start = await page(emu, "/_emulator/chat");
    expect(start.status).toBe(200);
    expect(start.html).toContain(u.userid);
    const sent = await form(emu, "/_emulator/chat/send", { as: u.userid, content: "同步" });
    expect(sent.status).toBe(303);
    expect(sent.headers.get("location")).toBe(`/_emulator/chat?as=${encodeURIComponent(u.userid)}`);
    const pushed = await callbacks(emu);
    expect(pushed.map((p) => p.kind)).toEqual(["text"]);
    expect(pushed[0]!.xml).toContain("<Content><![CDATA[同步]]></Content>");
    const feed = await page(emu, `/_emulator/chat/feed?as=${encodeURIComponent(u.userid)}`);
    expect(feed.html).toContain("同步");
  });

  it("shows the service's texts and cards to their recipient only, escaped, with card links opened as that member", async () => {
    const { emu } = setup();
    const u = await firstUser(emu);
    const t = await token(emu);
    const link = "https://roster.example.com/join/abc";
    expect(
      (
        await call(emu, "/cgi-bin/message/send", {
          token: t,
          body: { touser: u.userid, msgtype: "text", agentid: 1000002, text: { content: "<script>x</script> 你好" } },
        })
      ).errcode,
    ).toBe(0);
    const card = { card_type: "text_notice", main_title: { title: "邀请 Invitation" }, card_action: { type: 1, url: link } };
    expect(
      (
        await call(emu, "/cgi-bin/message/send", {
          token: t,
          body: { touser: u.userid, msgtype: "template_card", agentid: 1000002, template_card: card },
        })
      ).errcode,
    ).toBe(0);
    const feed = (await page(emu, `/_emulator/chat/feed?as=${encodeURIComponent(u.userid)}`)).html;
    expect(feed).toContain("&#60;script&#62;x&#60;/script&#62; 你好");
    expect(feed).not.toContain("<script>");
    expect(feed).toContain("邀请 Invitation");
    const open = `/_emulator/chat/open?as=${encodeURIComponent(u.userid)}&url=${encodeURIComponent(link)}`;
    expect(feed).toContain(open.replaceAll("&", "&amp;"));
    const other = await control<{ users: { userid: string }[] }>(emu, "GET", "/_emulator/org");
    expect((await page(emu, `/_emulator/chat/feed?as=${encodeURIComponent(other.users[1]!.userid)}`)).html).not.toContain(
      "邀请 Invitation",
    );

    const res = await emu.fetch(open, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(link);
    expect((await control<{ signedIn: unknown }>(emu, "GET", "/_emulator/state")).signedIn).toEqual({ userid: u.userid });
    expect(
      (await emu.fetch(`/_emulator/chat/open?as=${encodeURIComponent(u.userid)}&url=${encodeURIComponent("javascript:alert(1)")}`)).status,
    ).toBe(400);
  });

  it("URLs inside the service's text messages are links opened as that member, without trailing punctuation or anything unsafe", async () => {
    const { emu } = setup();
    const u = await firstUser(emu);
    const t = await token(emu);
    const progress = "https://roster.example.com/teams/demo/jobs/3?t=abc&x=1";
    const content = `同步完成（#3）：新建成员 12。\n详情：${progress}。See ${progress}). javascript:alert(1) <b>bold</b>`;
    expect(
      (
        await call(emu, "/cgi-bin/message/send", {
          token: t,
          body: { touser: u.userid, msgtype: "text", agentid: 1000002, text: { content } },
        })
      ).errcode,
    ).toBe(0);
    const feed = (await page(emu, `/_emulator/chat/feed?as=${encodeURIComponent(u.userid)}`)).html;
    const href = `/_emulator/chat/open?as=${encodeURIComponent(u.userid)}&amp;url=${encodeURIComponent(progress)}`;
    expect(feed.split(`<a href="${href}">`)).toHaveLength(3);
    expect(feed).toContain("新建成员 12。");
    expect(feed).toContain("</a>。See");
    expect(feed).toContain("</a>). javascript:alert(1) &#60;b&#62;bold&#60;/b&#62;");
    expect(feed).not.toContain("<b>");
    expect(feed).not.toContain('href="javascript');
  });

  it("card buttons click as the member (template_card_event); a member who did not get the card is refused", async () => {
    const { emu } = setup();
    const org = await control<{ users: { userid: string }[] }>(emu, "GET", "/_emulator/org");
    const [u, stranger] = [org.users[0]!.userid, org.users[1]!.userid];
    const t = await token(emu);
    const card = {
      card_type: "button_interaction",
      main_title: { title: "批准？ Allow?" },
      task_id: "task-1",
      button_list: [
        { text: "允许 Allow", key: "allow" },
        { text: "拒绝 Reject", key: "reject", style: 2 },
      ],
    };
    expect(
      (
        await call(emu, "/cgi-bin/message/send", {
          token: t,
          body: { touser: u, msgtype: "template_card", agentid: 1000002, template_card: card },
        })
      ).errcode,
    ).toBe(0);
    const feed = (await page(emu, `/_emulator/chat/feed?as=${encodeURIComponent(u)}`)).html;
    expect(feed).toContain('name="eventKey" value="allow"');
    expect((await form(emu, "/_emulator/chat/click", { as: u, taskId: "task-1", eventKey: "allow" })).status).toBe(303);
    expect((await callbacks(emu)).map((c) => c.kind)).toEqual(["template_card_event"]);
    const refused = await form(emu, "/_emulator/chat/click", { as: stranger, taskId: "task-1", eventKey: "allow" });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("did not receive card");
    expect(await callbacks(emu)).toHaveLength(1);
  });

  it("the address-book editor adds, renames and deletes members, pushing contact callbacks", async () => {
    const { emu } = setup();
    const added = await form(emu, "/_emulator/chat/org/add", { as: "", userid: "newbie", name: "新人", department: "1" });
    expect(added.status).toBe(303);
    expect((await control<{ user: { name: string } }>(emu, "GET", "/_emulator/users/newbie")).user.name).toBe("新人");
    expect((await form(emu, "/_emulator/chat/org/rename", { as: "newbie", name: "老手" })).status).toBe(303);
    expect((await control<{ user: { name: string } }>(emu, "GET", "/_emulator/users/newbie")).user.name).toBe("老手");
    expect((await form(emu, "/_emulator/chat/org/delete", { as: "newbie" })).status).toBe(303);
    expect((await emu.fetch("/_emulator/users/newbie")).status).toBe(404);
    const kinds = (await callbacks(emu)).map((c) => c.kind);
    expect(kinds).toEqual(["create_user", "update_user", "delete_user"]);
    const dup = await form(emu, "/_emulator/chat/org/add", { as: "", userid: "", name: "x", department: "1" });
    expect(dup.status).toBe(400);
  });
});
