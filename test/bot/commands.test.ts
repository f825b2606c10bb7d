import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readPolicy } from "../../src/db/queries/policies";
import { COMMANDS } from "../../src/bot/commands";
import { members } from "../../src/db/schema";
import { BINDING } from "../helpers/api";
import type { TestDeps } from "../helpers/deps";
import { control } from "../helpers/emulator";
import { runToEnd } from "../helpers/sync";
import { auditRows } from "../helpers/sync-scenarios";
import { ask, botRows, botWorld, clearSent, deliver, jobsOf, makeAdminMember, percents, say, sayOnly, sent, textsTo } from "./helpers";

let close: () => Promise<void>;
let deps: TestDeps;
let teamId: number;
/** In the binding's adminUserIds. */
let admin: string;
/** An active team admin by member role. */
let memberAdmin: string;
/** An ordinary imported member. */
let plain: string;

beforeAll(async () => {
  let users: string[];
  ({ deps, teamId, users, close } = await botWorld({ adminUserIds: (u) => [u[0]!.toUpperCase()] }));
  [admin, memberAdmin, plain] = users as [string, string, string];
  await makeAdminMember(deps, teamId, memberAdmin);
});
afterAll(async () => close());
beforeEach(async () => clearSent(deps));

describe("help and unknown text", () => {
  it("帮助 lists every command in Chinese, help in English; generated from the table", async () => {
    const zh = await ask(deps, admin, "帮助");
    for (const word of ["帮助", "导入", "同步", "进度", "授权", "邀请", "匹配", "策略"]) expect(zh).toContain(word);
    expect(zh).toContain("授权 <userid…|部门 名称|全部> *");
    const en = await ask(deps, admin, "help");
    for (const c of COMMANDS) expect(en).toContain(c.name);
    expect(en).toContain("authorize <userid…|department name|all> *");
    expect(en.split("\n")).toHaveLength(COMMANDS.length + 2);
  });

  it("anyone may ask for help; unknown text gets a short help in its own language", async () => {
    expect(await ask(deps, plain, "帮助")).toContain("可用命令");
    const zh = await ask(deps, plain, "你好呀");
    expect(zh).toContain("没有「你好呀」这个命令");
    expect(zh).toContain("发送「帮助」");
    const en = await ask(deps, plain, "hello there");
    expect(en).toContain("There is no command “hello”");
    expect(en).toContain("Send “help”");
  });

  it("an image or voice message gets the short help", async () => {
    const xml = `<xml><ToUserName><![CDATA[${BINDING.corpId}]]></ToUserName><FromUserName><![CDATA[${plain}]]></FromUserName><CreateTime>${deps.clock.unixSeconds()}</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[https://example.com/a.png]]></PicUrl><MediaId><![CDATA[m1]]></MediaId><MsgId>7100000000000000001</MsgId><AgentID>${BINDING.agentId}</AgentID></xml>`;
    await deliver(deps, xml);
    expect(await textsTo(deps, plain)).toEqual([
      "可用命令：帮助、导入、同步、进度、授权、邀请、匹配、策略。发送「帮助」查看用法。\nCommands: help, import, sync, status, authorize, invite, match, policy. Send “help” for how to use them.",
    ]);
  });

  it("a full-width space, full-width letters and trailing punctuation do not break a command", async () => {
    expect(await ask(deps, admin, "策略\u3000锁定。")).toMatch(/^策略(已改为|未变)：锁定/);
    expect(await ask(deps, admin, "  ｐｏｌｉｃｙ　remove！！ ")).toContain("Policy changed to: remove");
    expect(await ask(deps, admin, "策略移除？")).toContain("策略未变：移除");
    expect(await ask(deps, admin, "/Policy lock,")).toContain("Policy changed to: lock");
    expect((await readPolicy(deps.db, { teamId })).onMemberDeleted).toBe("lock");
    // The audit log names the admin who chatted.
    expect((await auditRows(deps, teamId, "policy.changed")).slice(-1)[0]).toMatchObject({
      initiator: "admin",
      actor: `wecom:${admin}`,
      after: { onMemberDeleted: "lock" },
    });
  });
});

describe("who may command", () => {
  it("a non-admin is refused politely for every admin command, in the command's language, and nothing happens", async () => {
    const jobs = (await jobsOf(deps, teamId)).length;
    const audit = (await auditRows(deps, teamId)).length;
    const policy = (await readPolicy(deps.db, { teamId })).onMemberDeleted;
    for (const c of COMMANDS.filter((x) => x.adminOnly)) {
      const zhWord = c.aliases[0]!;
      expect(await ask(deps, plain, `${zhWord} ${c.name === "policy" ? "移除" : ""}`)).toBe(
        `抱歉，只有团队管理员可以使用「${zhWord}」。如需权限，请联系团队管理员。`,
      );
      expect(await ask(deps, plain, c.name)).toBe(`Sorry, only team admins can use “${c.name}”. Please ask a team admin if you need it.`);
    }
    // Bad arguments from a non-admin are still a refusal, not a usage lesson.
    expect(await ask(deps, plain, "授权")).toContain("抱歉");
    expect((await jobsOf(deps, teamId)).length).toBe(jobs);
    expect((await auditRows(deps, teamId)).length).toBe(audit);
    expect((await readPolicy(deps.db, { teamId })).onMemberDeleted).toBe(policy);
    expect((await sent(deps)).every((m) => m.msgtype === "text" && m.touser.join() === plain)).toBe(true);
  });

  it("binding admins match ignoring case; member admins must be active owners or admins", async () => {
    expect(await ask(deps, admin.toLowerCase(), "策略")).toContain("当前策略");
    expect(await ask(deps, memberAdmin, "policy")).toContain("Current policy");
    await makeAdminMember(deps, teamId, plain, "owner");
    expect(await ask(deps, plain, "policy")).toContain("Current policy");
    await deps.db
      .update(members)
      .set({ status: "locked" })
      .where(and(eq(members.teamId, teamId), eq(members.wecomUserKey, plain.toLowerCase())));
    expect(await ask(deps, plain, "policy")).toContain("Sorry, only team admins");
    await deps.db
      .update(members)
      .set({ status: "imported", role: null })
      .where(and(eq(members.teamId, teamId), eq(members.wecomUserKey, plain.toLowerCase())));
  });
});

describe("bad arguments answer the usage in the command's language", () => {
  it.each([
    ["同步 现在", "用法：同步"],
    ["sync now", "Usage: sync"],
    ["导入 全部", "用法：导入"],
    ["进度 abc", "任务号应为数字。\n用法：进度 [任务号]"],
    ["status 1 2", "A job number is a number.\nUsage: status [job number]"],
    ["授权", "用法：授权 <userid…|部门 名称|全部>"],
    ["authorize department", "Name the department.\nUsage: authorize <userid…|department name|all>"],
    ["邀请", "用法：邀请 <userid…>"],
    ["匹配 一下", "用法：匹配"],
    ["策略 删除", "策略只能是 移除、锁定 或 取消授权。\n用法：策略 [移除|锁定|取消授权]"],
    ["policy delete", "The policy is remove, lock or deauthorize.\nUsage: policy [remove|lock|deauthorize]"],
  ])("%s", async (text, reply) => {
    const jobs = (await jobsOf(deps, teamId)).length;
    expect(await ask(deps, admin, text)).toBe(reply);
    expect((await jobsOf(deps, teamId)).length).toBe(jobs);
  });
});

describe("导入 / 同步 / 进度", () => {
  it("同步 reports the start with a link, progress at most every 25 %, then a summary with counts and the link", async () => {
    await say(deps, admin, "同步");
    const texts = await textsTo(deps, admin);
    const [job] = (await jobsOf(deps, teamId)).slice(-1);
    expect(job).toMatchObject({ state: "succeeded", initiator: "admin" });
    expect(texts[0]).toMatch(new RegExp(`^已开始同步（任务 #${job!.id}）。`));
    expect(texts[0]).toContain(`https://roster.example.com/teams/acme/jobs/${job!.id}?t=`);
    const progress = percents(texts.slice(1, -1));
    expect(texts.slice(1, -1).every((t) => t.startsWith("同步进行中："))).toBe(true);
    // The clock stands still in this test, so only the 25-point rule lets progress through.
    for (let i = 1; i < progress.length; i++) expect(progress[i]! - progress[i - 1]!).toBeGreaterThanOrEqual(25);
    expect(progress.length).toBeLessThanOrEqual(3);
    const summary = texts[texts.length - 1]!;
    // A run that changed nothing still gives the totals it checked.
    expect(summary).toMatch(
      new RegExp(
        `^同步完成（#${job!.id}）：无变化（共 \\d+ 名成员、\\d+ 个部门，均与企业微信一致）。\n详情：https://roster.example.com/teams/acme/jobs/${job!.id}\\?t=`,
      ),
    );
    expect(texts.length).toBe(progress.length + 2);
  });

  it("import in English reports counts of what changed", async () => {
    await control(deps, "POST", "/_emulator/users", { userid: "NewBotHire", name: "新同事", department: [1] });
    await say(deps, memberAdmin, "import");
    const texts = await textsTo(deps, memberAdmin);
    expect(texts[0]).toMatch(/^Import started \(job #\d+\)\. I will report progress/);
    expect(texts[texts.length - 1]).toMatch(
      /^Import finished \(#\d+\): Members created 1\.\nDetails: https:\/\/roster\.example\.com\/teams\/acme\/jobs\/\d+\?t=/,
    );
  });

  it("a second 同步 while a job waits answers that job instead of starting another", async () => {
    await sayOnly(deps, admin, "同步");
    const before = (await jobsOf(deps, teamId)).length;
    // The runner was dropped: the job stays queued, and 同步 from another admin joins it.
    const reply = await ask(deps, memberAdmin, "sync");
    expect(reply).toMatch(/^A job is already running: #\d+ queued/);
    expect((await jobsOf(deps, teamId)).length).toBe(before);
    const open = (await jobsOf(deps, teamId)).slice(-1)[0]!;
    await clearSent(deps);
    await runToEnd(deps, open.id);
    // Both admins who asked get the summary.
    for (const u of [admin, memberAdmin]) expect((await textsTo(deps, u)).slice(-1)[0]).toMatch(/(同步完成|Sync finished)/);
  });

  it("进度 shows the latest job with its link; status <n> another one; an unknown job is an error in the reply's language", async () => {
    const latest = (await jobsOf(deps, teamId)).slice(-1)[0]!;
    const zh = await ask(deps, admin, "进度");
    expect(zh).toMatch(new RegExp(`^#${latest.id} 已完成\n变更：`));
    expect(zh).toContain(`进度页：https://roster.example.com/teams/acme/jobs/${latest.id}?t=`);
    const first = (await jobsOf(deps, teamId))[0]!;
    expect(await ask(deps, admin, `status #${first.id}`)).toMatch(new RegExp(`^#${first.id} succeeded\nChanges: Departments created`));
    expect(await ask(deps, admin, "status 99999")).toBe("Could not do that: Job 99999 not found");
    expect(await ask(deps, admin, "进度 99999")).toBe("未能完成：任务 99999 不存在");
  });

  it("every command and reply is recorded once per message", async () => {
    const rows = await botRows(deps, teamId);
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.every((r) => r.repliedAt !== null && (r.result !== null || r.command === "unknown" || r.command === "empty"))).toBe(true);
    expect(new Set(rows.map((r) => r.messageKey)).size).toBe(rows.length);
  });
});
