import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { invitations, members } from "../../src/db/schema";
import type { TestDeps } from "../helpers/deps";
import { control } from "../helpers/emulator";
import { syncNow, type OrgSnapshot } from "../helpers/sync";
import { auditRows, memberByKey } from "../helpers/sync-scenarios";
import { client, PASSWORD } from "../services/accounts/helpers";
import { ask, botWorld, clearSent, sent } from "./helpers";

let close: () => Promise<void>;
let deps: TestDeps;
let teamId: number;
let org: OrgSnapshot;
let admin: string;
let plain: string;
/** Imported members nobody has touched yet, handed out one by one. */
let free: string[];

const take = (): string => {
  const u = free.shift();
  if (!u) throw new Error("no member left");
  return u;
};
const invitationsOf = async (userId: string) => {
  const m = await memberByKey(deps, teamId, userId);
  return deps.db.select().from(invitations).where(eq(invitations.memberId, m.id)).orderBy(asc(invitations.id));
};

beforeAll(async () => {
  let users: string[];
  ({ deps, teamId, org, users, close } = await botWorld());
  [admin, plain] = users as [string, string];
  free = users.slice(2).filter((u) => org.users.find((x) => x.userid === u)!.department.length === 1);
});
afterAll(async () => close());
beforeEach(async () => clearSent(deps));

describe("授权 / authorize", () => {
  it("userids (any case, any separator) → invitation cards; the reply counts them and names the unknown", async () => {
    const [a, b] = [take(), take()];
    const reply = await ask(deps, admin, `授权 ${a.toUpperCase()}，${b} ghost`);
    // The reply names who was invited (name and userid), in member order.
    const named = await Promise.all([a, b].map((u) => memberByKey(deps, teamId, u)));
    const names = named.sort((x, y) => x.id - y.id).map((m) => `${m.name}（${m.wecomUserId}）`);
    expect(reply).toBe(
      `授权完成：已开通 0 人，已发送邀请 2 人，原已开通 0 人，邀请待接受 0 人。\n已开通或邀请：${names.join("、")}\n跳过：ghost（未找到）`,
    );
    for (const u of [a, b]) {
      expect((await memberByKey(deps, teamId, u)).status).toBe("invited");
      const cards = (await sent(deps, u)).filter((m) => m.msgtype === "template_card");
      expect(cards).toHaveLength(1);
    }
    // The audit log names the admin who chatted.
    const invited = await auditRows(deps, teamId, "member.invited");
    expect(invited.slice(-2).every((r) => r.actor === `wecom:${admin}`)).toBe(true);
    // Again: nothing new is sent.
    expect(await ask(deps, admin, `authorize ${a} ${b}`)).toBe("Authorized 0, invited 0, already active 0, invitation pending 2.");
    expect((await sent(deps, a)).filter((m) => m.msgtype === "template_card")).toHaveLength(1);
  });

  it("部门 <name> authorizes a department subtree; an unknown or ambiguous name authorizes nobody", async () => {
    const leaf = org.departments.find(
      (d) => d.id !== 1 && !org.departments.some((c) => c.parentid === d.id) && org.users.some((u) => u.department.includes(d.id)),
    )!;
    const inLeaf = org.users.filter((u) => u.status !== 5 && u.department.includes(leaf.id)).map((u) => u.userid);
    free = free.filter((u) => !inLeaf.includes(u));
    const reply = await ask(deps, admin, `授权 部门 ${leaf.name}`);
    expect(reply).toMatch(new RegExp(`^部门「${leaf.name}」：授权完成：已开通 0 人，已发送邀请 \\d+ 人`));
    for (const u of inLeaf) expect(["invited", "active"]).toContain((await memberByKey(deps, teamId, u)).status);

    expect(await ask(deps, admin, "授权 部门 没有这个部门")).toBe("没有名为「没有这个部门」的部门。");
    await control(deps, "POST", "/_emulator/departments", { id: 60, name: "重名组", parentid: 1 });
    await control(deps, "POST", "/_emulator/departments", { id: 61, name: "重名组", parentid: leaf.id });
    expect((await syncNow(deps, "acme")).state).toBe("succeeded");
    expect(await ask(deps, admin, "授权 部门 重名组")).toBe("有多个部门名为「重名组」（ID 60、61），请用「授权 部门 <ID>」。");
    expect(await ask(deps, admin, `authorize department ${leaf.id}`)).toMatch(
      /^department .+: Authorized 0, invited 0, already active 0, invitation pending \d+\./,
    );
  });

  it("a member linked to an account becomes active with a notice", async () => {
    const u = take();
    const account = await client(deps).register({ username: `acct-${u}`, password: PASSWORD, name: u });
    await deps.db
      .update(members)
      .set({ accountId: account.id })
      .where(and(eq(members.teamId, teamId), eq(members.wecomUserKey, u.toLowerCase())));
    expect(await ask(deps, admin, `授权 ${u}`)).toMatch(/^授权完成：已开通 1 人/);
    expect((await memberByKey(deps, teamId, u)).status).toBe("active");
  });

  it("only unknown userids: the reply says they are unknown, in the command's language, and nobody is invited", async () => {
    const before = await deps.db.select().from(invitations);
    expect(await ask(deps, admin, "授权 nosuchuser")).toBe("找不到成员：nosuchuser。请检查 UserID，或先「同步」通讯录。");
    expect(await ask(deps, admin, "authorize nosuchuser ghost2")).toBe(
      "No such member: nosuchuser, ghost2. Check the userid, or sync the address book first.",
    );
    expect(await deps.db.select().from(invitations)).toHaveLength(before.length);
  });

  it("a non-admin's 授权 changes nobody", async () => {
    const u = take();
    expect(await ask(deps, plain, `授权 ${u}`)).toContain("抱歉");
    expect((await memberByKey(deps, teamId, u)).status).toBe("imported");
    expect(await invitationsOf(u)).toHaveLength(0);
  });
});

describe("邀请 / invite", () => {
  it("re-sends a card (revoking the old link) at most once a minute; unknown and active members are named", async () => {
    const u = take();
    await ask(deps, admin, `授权 ${u}`);
    expect(await ask(deps, admin, `邀请 ${u}`)).toBe(`邀请：\n${u}：一分钟内只能邀请一次`);
    deps.clock.advance(61_000);
    const active = take();
    await deps.db
      .update(members)
      .set({ status: "active" })
      .where(and(eq(members.teamId, teamId), eq(members.wecomUserKey, active.toLowerCase())));
    expect(await ask(deps, admin, `invite ${u} ghost ${active}`)).toBe(
      `Invitations:\n${u}: sent again\nghost: not a WeCom member of this team\n${active}: cannot be invited (already active)`,
    );
    const rows = await invitationsOf(u);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.revokedAt).not.toBeNull();
    expect(rows[1]!.revokedAt).toBeNull();
    expect((await sent(deps, u)).filter((m) => m.msgtype === "template_card")).toHaveLength(2);
  });

  it("a non-admin's 邀请 sends nothing", async () => {
    const u = take();
    expect(await ask(deps, plain, `invite ${u}`)).toContain("Sorry, only team admins");
    expect(await invitationsOf(u)).toHaveLength(0);
  });
});

describe("匹配 / match", () => {
  it("links userid = username of an account already in the team, suggests a stranger's username and a unique same-name account, and links to the review page", async () => {
    const [exact, named, squatted] = [take(), take(), take()];
    const c = client(deps);
    const inTeam = await c.register({ username: exact, password: PASSWORD, name: "某人" });
    expect((await c.json("POST", "/api/teams/acme/members", { accountId: inTeam.id })).status).toBe(201);
    await c.register({ username: squatted.toUpperCase(), password: PASSWORD, name: "陌生人" });
    const namedMember = await memberByKey(deps, teamId, named);
    const squattedMember = await memberByKey(deps, teamId, squatted);
    await c.register({ username: `other-${named}`, password: PASSWORD, name: namedMember.name });
    const reply = await ask(deps, admin, "匹配");
    expect(reply).toContain("匹配完成：已关联 1 人，待确认建议 2 条，冲突 0 条。");
    expect(reply).toContain(`建议：${namedMember.name}（${named}）↔ 账号 other-${named}`);
    expect(reply).toContain(`建议：${squattedMember.name}（${squatted}）↔ 账号 ${squatted.toUpperCase()}`);
    expect(reply).toContain("查看并确认：https://roster.example.com/teams/acme/match");
    expect((await memberByKey(deps, teamId, exact)).accountId).toBe(inTeam.id);
    expect((await memberByKey(deps, teamId, named)).accountId).toBeNull();
    expect((await memberByKey(deps, teamId, squatted)).accountId).toBeNull();
    const en = await ask(deps, admin, "match");
    expect(en).toContain("Match done: 0 linked, 2 suggestions to confirm, 0 conflicts.");
    expect(en).toContain(`Suggestion: ${namedMember.name} (${named}) ↔ account other-${named}`);
    expect(en).toContain("Review and confirm: https://roster.example.com/teams/acme/match");
  });

  it("a non-admin's 匹配 links nobody", async () => {
    const u = take();
    await client(deps).register({ username: u, password: PASSWORD, name: "某人" });
    expect(await ask(deps, plain, "匹配")).toContain("抱歉");
    expect((await memberByKey(deps, teamId, u)).accountId).toBeNull();
  });
});
