import { describe, expect, it } from "vitest";
import { DEFAULT_AGENT_ID, DEFAULT_SYNC_SECRET } from "../../src/emulator";
import { call, control, setup, token } from "./helpers";

const SMALL = {
  departments: [
    { id: 1, name: "示例公司", parentid: 0, order: 100 },
    { id: 2, name: "广州研发中心", name_en: "RDGZ", parentid: 1, order: 10, department_leader: ["zhangsan"] },
    { id: 3, name: "邮箱产品部", parentid: 2, order: 40 },
    { id: 4, name: "市场部", parentid: 1, order: 5 },
  ],
  users: [
    {
      userid: "ZhangSan",
      name: "张三",
      department: [2, 3],
      main_department: 2,
      position: "后台工程师",
      mobile: "13800000000",
      gender: "1",
      email: "zhangsan@example.com",
      is_leader_in_dept: [1, 0],
      status: 1,
    },
    { userid: "lisi", name: "李四", department: [3], direct_leader: ["ZhangSan"], status: 4 },
    { userid: "wangwu", name: "王五", department: [4], status: 2 },
  ],
};

async function small(apps?: unknown[]) {
  const s = setup();
  await control(s.emu, "POST", "/_emulator/reset", { org: SMALL, ...(apps ? { apps } : {}) });
  return s;
}

describe("department APIs (docs/wecom.md#contacts-apis)", () => {
  it("department/list: the whole visible tree, or recursive from id", async () => {
    const { emu } = await small();
    const t = await token(emu);
    const all = await call(emu, "/cgi-bin/department/list", { token: t });
    expect(all.errcode).toBe(0);
    expect(all.department).toEqual([
      { id: 1, name: "示例公司", department_leader: [], parentid: 0, order: 100 },
      { id: 2, name: "广州研发中心", name_en: "RDGZ", department_leader: ["zhangsan"], parentid: 1, order: 10 },
      { id: 3, name: "邮箱产品部", department_leader: [], parentid: 2, order: 40 },
      { id: 4, name: "市场部", department_leader: [], parentid: 1, order: 5 },
    ]);
    const sub = await call(emu, "/cgi-bin/department/list?id=2", { token: t });
    expect((sub.department as { id: number }[]).map((d) => d.id)).toEqual([2, 3]);
    expect((await call(emu, "/cgi-bin/department/list?id=99", { token: t })).errcode).toBe(60123);
  });

  it("department/simplelist and department/get", async () => {
    const { emu } = await small();
    const t = await token(emu);
    expect(await call(emu, "/cgi-bin/department/simplelist?id=2", { token: t })).toEqual({
      errcode: 0,
      errmsg: "ok",
      department_id: [
        { id: 2, parentid: 1, order: 10 },
        { id: 3, parentid: 2, order: 40 },
      ],
    });
    expect(await call(emu, "/cgi-bin/department/get?id=3", { token: t })).toEqual({
      errcode: 0,
      errmsg: "ok",
      department: { id: 3, name: "邮箱产品部", department_leader: [], parentid: 2, order: 40 },
    });
  });

  it("out of the app's range: lists omit it, get → 60011", async () => {
    const { emu } = await small([{ agentId: DEFAULT_AGENT_ID, secret: "s1", allowPartys: [2] }]);
    const t = await token(emu, "s1");
    const list = await call(emu, "/cgi-bin/department/list", { token: t });
    expect((list.department as { id: number }[]).map((d) => d.id)).toEqual([2, 3]);
    expect((await call(emu, "/cgi-bin/department/get?id=4", { token: t })).errcode).toBe(60011);
    expect((await call(emu, "/cgi-bin/department/list?id=1", { token: t })).errcode).toBe(60011);
    expect((await call(emu, "/cgi-bin/user/list?department_id=4", { token: t })).errcode).toBe(60011);
  });
});

describe("user APIs (docs/wecom.md#contacts-apis)", () => {
  it("user/get for a restricted app has no sensitive fields; an older app gets them", async () => {
    const { emu } = await small();
    const t = await token(emu);
    const u = await call(emu, "/cgi-bin/user/get?userid=zhangsan", { token: t });
    expect(u).toMatchObject({
      errcode: 0,
      errmsg: "ok",
      userid: "ZhangSan",
      name: "张三",
      department: [2, 3],
      order: [0, 0],
      position: "后台工程师",
      is_leader_in_dept: [1, 0],
      direct_leader: [],
      main_department: 2,
      status: 1,
    });
    for (const k of ["avatar", "thumb_avatar", "gender", "mobile", "email", "biz_mail", "qr_code", "address"])
      expect(u).not.toHaveProperty(k);

    await control(emu, "PUT", `/_emulator/apps/${DEFAULT_AGENT_ID}`, { restricted: false });
    const full = await call(emu, "/cgi-bin/user/get?userid=ZHANGSAN", { token: t });
    expect(full).toMatchObject({
      userid: "ZhangSan",
      mobile: "13800000000",
      gender: "1",
      email: "zhangsan@example.com",
      avatar: expect.stringMatching(/^https:/) as unknown,
      thumb_avatar: expect.any(String) as unknown,
      qr_code: expect.any(String) as unknown,
    });
  });

  it("60111 for unknown or out-of-range members; allowUsers adds individuals", async () => {
    const { emu } = await small([{ agentId: DEFAULT_AGENT_ID, secret: "s1", allowPartys: [3], allowUsers: ["WangWu"] }]);
    const t = await token(emu, "s1");
    expect((await call(emu, "/cgi-bin/user/get?userid=nobody", { token: t })).errcode).toBe(60111);
    expect((await call(emu, "/cgi-bin/user/get?userid=lisi", { token: t })).errcode).toBe(0);
    expect((await call(emu, "/cgi-bin/user/get?userid=wangwu", { token: t })).errcode).toBe(0);
    expect((await call(emu, "/cgi-bin/user/get", { token: t })).errcode).toBe(41009);
    expect(await call(emu, `/cgi-bin/agent/get?agentid=${DEFAULT_AGENT_ID}`, { token: t })).toMatchObject({
      allow_userinfos: { user: [{ userid: "WangWu" }] },
      allow_partys: { partyid: [3] },
      allow_tags: { tagid: [] },
    });
  });

  it("user/list and user/simplelist: one department, members of several departments in each", async () => {
    const { emu } = await small();
    const t = await token(emu);
    const list = await call(emu, "/cgi-bin/user/list?department_id=3", { token: t });
    expect((list.userlist as { userid: string }[]).map((u) => u.userid)).toEqual(["ZhangSan", "lisi"]);
    expect((list.userlist as Record<string, unknown>[])[1]).toMatchObject({ userid: "lisi", status: 4, direct_leader: ["ZhangSan"] });
    const simple = await call(emu, "/cgi-bin/user/simplelist?department_id=2", { token: t });
    expect(simple).toEqual({ errcode: 0, errmsg: "ok", userlist: [{ userid: "ZhangSan", name: "张三", department: [2, 3] }] });
    // No fetch_child: department 1 has no direct members.
    expect((await call(emu, "/cgi-bin/user/list?department_id=1&fetch_child=1", { token: t })).userlist).toEqual([]);
  });

  it("user/list_id pages cover every (userid, department) row exactly once", async () => {
    const { emu } = setup({ org: { generate: { departments: 30, users: 500, seed: 11 } } });
    const t = await token(emu, DEFAULT_SYNC_SECRET);
    const rows: string[] = [];
    let cursor = "";
    let pages = 0;
    do {
      const page = await call(emu, "/cgi-bin/user/list_id", { token: t, body: { cursor, limit: 77 } });
      expect(page.errcode).toBe(0);
      const dept = page.dept_user as { userid: string; department: number }[];
      expect(dept.length).toBeLessThanOrEqual(77);
      rows.push(...dept.map((r) => `${r.userid}:${r.department}`));
      cursor = page.next_cursor as string;
      pages++;
    } while (cursor !== "");
    const expected = [...emu.state.org.users.values()].flatMap((u) => u.department.map((d) => `${u.userid}:${d}`));
    expect(rows.length).toBe(expected.length);
    expect(new Set(rows)).toEqual(new Set(expected));
    expect(pages).toBe(Math.ceil(expected.length / 77));
    expect((await call(emu, "/cgi-bin/user/list_id", { token: t, body: { limit: 0 } })).errcode).toBe(40058);
  });

  it("contact-sync secret from a new IP: 48009 on details, IDs still work; app secret → 48002 on list_id", async () => {
    const { emu } = await small();
    const sync = await token(emu, DEFAULT_SYNC_SECRET);
    for (const path of [
      "/cgi-bin/user/get?userid=lisi",
      "/cgi-bin/user/list?department_id=3",
      "/cgi-bin/user/simplelist?department_id=3",
      "/cgi-bin/department/list",
      "/cgi-bin/department/get?id=2",
    ]) {
      expect((await call(emu, path, { token: sync })).errcode).toBe(48009);
    }
    expect((await call(emu, "/cgi-bin/department/simplelist", { token: sync })).errcode).toBe(0);
    expect((await call(emu, "/cgi-bin/user/list_id", { token: sync, body: {} })).dept_user).toHaveLength(4);
    expect((await call(emu, "/cgi-bin/user/list_id", { token: await token(emu), body: {} })).errcode).toBe(48002);
    // The sync secret can neither send nor exchange OAuth codes.
    expect(
      (
        await call(emu, "/cgi-bin/message/send", {
          token: sync,
          body: { touser: "lisi", msgtype: "text", agentid: DEFAULT_AGENT_ID, text: { content: "x" } },
        })
      ).errcode,
    ).toBe(48002);
    expect((await call(emu, "/cgi-bin/auth/getuserinfo?code=abc", { token: sync })).errcode).toBe(48002);

    await control(emu, "POST", "/_emulator/reset", { org: SMALL, contactSync: { secret: "old-ip-sync", newIp: false } });
    const old = await token(emu, "old-ip-sync");
    expect(await call(emu, "/cgi-bin/user/get?userid=zhangsan", { token: old })).toMatchObject({ errcode: 0, mobile: "13800000000" });
  });

  it("agent/get describes the token's app; another agentid → 301002", async () => {
    const { emu } = await small([
      { agentId: 1000002, secret: "s1", name: "Roster", redirectDomain: "roster.example.com" },
      { agentId: 1000003, secret: "s2" },
    ]);
    const t = await token(emu, "s1");
    expect(await call(emu, "/cgi-bin/agent/get?agentid=1000002", { token: t })).toEqual({
      errcode: 0,
      errmsg: "ok",
      agentid: 1000002,
      name: "Roster",
      square_logo_url: expect.any(String) as unknown,
      description: "",
      allow_userinfos: { user: [] },
      allow_partys: { partyid: [1] },
      allow_tags: { tagid: [] },
      close: 0,
      redirect_domain: "roster.example.com",
      report_location_flag: 0,
      isreportenter: 0,
      home_url: "",
    });
    expect((await call(emu, "/cgi-bin/agent/get?agentid=1000003", { token: t })).errcode).toBe(301002);
  });
});

describe("leader references follow the member they name", () => {
  const leadersOf = async (emu: Awaited<ReturnType<typeof small>>["emu"], t: string, userid: string) =>
    (await call(emu, `/cgi-bin/user/get?userid=${userid}`, { token: t })).direct_leader;

  it("a userid change renames the leader in every report's direct_leader, and a delete removes it, however many changes follow", async () => {
    const { emu } = await small();
    const t = await token(emu);
    await control(
      emu,
      "POST",
      "/_emulator/users",
      { userid: "zhaoliu", name: "赵六", department: [4], direct_leader: ["ZhangSan", "wangwu"] },
      201,
    );
    await control(emu, "PATCH", "/_emulator/users/ZhangSan", { newUserId: "ZhangSan2" });
    expect(await leadersOf(emu, t, "lisi")).toEqual(["ZhangSan2"]);
    expect(await leadersOf(emu, t, "zhaoliu")).toEqual(["ZhangSan2", "wangwu"]);
    // A report added after the first rename is found by the next one.
    await control(emu, "POST", "/_emulator/users", { userid: "sunqi", name: "孙七", department: [3], direct_leader: ["zhangsan2"] }, 201);
    await control(emu, "PATCH", "/_emulator/users/zhaoliu", { direct_leader: ["wangwu"] });
    await control(emu, "PATCH", "/_emulator/users/ZhangSan2", { newUserId: "ZhangSan3" });
    expect(await leadersOf(emu, t, "sunqi")).toEqual(["ZhangSan3"]);
    expect(await leadersOf(emu, t, "zhaoliu")).toEqual(["wangwu"]);
    await control(emu, "DELETE", "/_emulator/users/ZhangSan3");
    expect(await leadersOf(emu, t, "lisi")).toEqual([]);
    expect(await leadersOf(emu, t, "sunqi")).toEqual([]);
    await control(emu, "DELETE", "/_emulator/users/wangwu");
    expect(await leadersOf(emu, t, "zhaoliu")).toEqual([]);
  });
});
