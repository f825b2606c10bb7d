import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { botDecisionCards, members } from "../../src/db/schema";
import { apiClient, BINDING } from "../helpers/api";
import type { TestDeps } from "../helpers/deps";
import { connectCallbacks, control } from "../helpers/emulator";
import { auditRows, memberByKey, setStatus } from "../helpers/sync-scenarios";
import { ask, botWorld, clearSent, click, forgedClick, jobsOf, makeAdminMember, say, sent, type Sent, textsTo } from "./helpers";

let close: () => Promise<void>;
let deps: TestDeps;
let teamId: number;
let admin: string;
let memberAdmin: string;
let plain: string;
/** Active members that may be deleted in WeCom to trip the breaker. */
let victims: string[];

beforeAll(async () => {
  let users: string[];
  ({ deps, teamId, users, close } = await botWorld());
  [admin, memberAdmin, plain] = users as [string, string, string];
  // 20 active members → the breaker trips above max(3, 20 %) = 4 deprovisions.
  victims = users.slice(3, 20);
  await setStatus(deps, teamId, "active", [...users.slice(0, 20)]);
  await setStatus(deps, teamId, "imported", [plain]);
  await makeAdminMember(deps, teamId, memberAdmin);
});
afterAll(async () => close());
beforeEach(async () => clearSent(deps));

const cards = async (): Promise<Sent[]> =>
  (await sent(deps)).filter((m) => m.msgtype === "template_card" && m.body.template_card?.card_type === "button_interaction");
const updates = async (): Promise<Sent[]> => (await sent(deps)).filter((m) => m.api === "message/update_template_card");

/** Deletes n victims in WeCom and has the admin say 同步: the run stops for a decision. */
async function trip(n: number): Promise<{ jobId: number; taskId: string; gone: string[] }> {
  const gone = victims.splice(0, n);
  // Deleted while WeCom pushes nothing to us: only the sync finds out, all at once.
  await control(deps, "DELETE", "/_emulator/callback");
  for (const u of gone) await control(deps, "DELETE", `/_emulator/users/${u}`);
  await connectCallbacks(deps, "acme", BINDING);
  await clearSent(deps);
  await say(deps, admin, "同步");
  const job = (await jobsOf(deps, teamId)).slice(-1)[0]!;
  expect(job.state).toBe("needs_confirmation");
  const [card] = await cards();
  expect(card).toBeDefined();
  return { jobId: job.id, taskId: String(card!.body.template_card!.task_id), gone };
}

describe("breaker card: Allow / Reject in chat", () => {
  it("every WeCom admin gets one card; clicks by a non-admin and an admin's second click count for nothing", async () => {
    const { jobId, taskId, gone } = await trip(5);
    const [card] = await cards();
    expect(card!.recipients.map((u) => u.toLowerCase()).sort()).toEqual([admin, memberAdmin].map((u) => u.toLowerCase()).sort());
    expect(card!.body.template_card).toMatchObject({
      main_title: { title: "确认离职处理 5 名成员？", desc: "Deprovision 5 members?" },
      button_list: [
        { text: "允许 Allow", key: `confirm:${jobId}` },
        { text: "拒绝 Reject", key: `reject:${jobId}` },
      ],
    });
    // The admin who said 同步 got the start and progress; the summary waits for the decision.
    expect((await textsTo(deps, admin))[0]).toMatch(/^已开始同步/);
    expect((await textsTo(deps, admin)).filter((t) => t.startsWith("同步完成"))).toHaveLength(0);
    // Looking at the job again sends no second card.
    expect(await ask(deps, admin, "进度")).toContain("请在确认卡片或进度页上允许或拒绝");
    expect(await cards()).toHaveLength(1);

    // Someone who is not an admin (a forged click: they never got the card) is refused; nothing moves.
    await forgedClick(deps, plain, taskId, `confirm:${jobId}`);
    expect(await textsTo(deps, plain)).toEqual(["抱歉，只有团队管理员的选择才有效。/ Sorry, only a team admin's choice counts."]);
    expect((await jobsOf(deps, teamId)).slice(-1)[0]!.state).toBe("needs_confirmation");

    // An admin who lost the role after the card went out: the click counts for nothing either.
    await deps.db
      .update(members)
      .set({ role: "member" })
      .where(and(eq(members.teamId, teamId), eq(members.wecomUserKey, memberAdmin.toLowerCase())));
    await click(deps, memberAdmin, taskId, `reject:${jobId}`);
    expect((await jobsOf(deps, teamId)).slice(-1)[0]!.state).toBe("needs_confirmation");
    await makeAdminMember(deps, teamId, memberAdmin);

    // The admin allows: the job goes on and applies exactly the staged set; the card says who decided.
    await clearSent(deps);
    await click(deps, admin, taskId, `confirm:${jobId}`);
    const job = (await jobsOf(deps, teamId)).slice(-1)[0]!;
    expect(job).toMatchObject({ id: jobId, state: "succeeded" });
    expect(job.counts.members.deprovisioned).toBe(5);
    for (const u of gone) expect((await memberByKey(deps, teamId, u)).deprovisionedAt).not.toBeNull();
    const adminName = (await memberByKey(deps, teamId, admin)).name;
    const [update] = await updates();
    expect(update!.body).toMatchObject({ userids: card!.recipients, template_card: { task_id: taskId, replace_text: "已允许 Allowed" } });
    expect(update!.body.template_card!.sub_title_text).toContain(`${adminName} 已允许同步 #${jobId} / Allowed by ${adminName}`);
    const texts = await textsTo(deps, admin);
    expect(texts[0]).toMatch(/^已允许：同步 #\d+ 继续进行/);
    expect(texts[texts.length - 1]).toMatch(new RegExp(`^同步完成（#${jobId}）：.*离职处理成员 5`));
    expect(await auditRows(deps, teamId, "job.confirmed")).toHaveLength(1);
    expect((await auditRows(deps, teamId, "job.confirmed"))[0]!.actor).toBe(`wecom:${admin}`);

    // Later clicks — the other admin's Reject, the same admin again — change nothing; each late
    // clicker's own card shows the decision.
    await clearSent(deps);
    await click(deps, memberAdmin, taskId, `reject:${jobId}`);
    await click(deps, admin, taskId, `confirm:${jobId}`);
    expect(await auditRows(deps, teamId, "job.rejected")).toHaveLength(0);
    expect(await auditRows(deps, teamId, "job.confirmed")).toHaveLength(1);
    const late = await updates();
    expect(late.map((u) => u.body.userids)).toEqual([[memberAdmin], [admin]]);
    for (const u of late) expect(u.body.template_card!.sub_title_text).toContain(`Allowed by ${adminName}`);
    expect((await textsTo(deps, memberAdmin)).filter((t) => t.includes("继续进行"))).toHaveLength(0);
    const [row] = await deps.db.select().from(botDecisionCards).where(eq(botDecisionCards.jobId, jobId));
    expect(row).toMatchObject({ decision: "confirm", decidedBy: adminName });
  });

  it("Reject drops the staged deprovisions; the rest of the run is applied", async () => {
    const { jobId, taskId, gone } = await trip(4);
    await click(deps, memberAdmin, taskId, `reject:${jobId}`);
    const job = (await jobsOf(deps, teamId)).slice(-1)[0]!;
    expect(job).toMatchObject({ id: jobId, state: "succeeded" });
    expect(job.counts.members.deprovisioned).toBe(0);
    for (const u of gone) expect((await memberByKey(deps, teamId, u)).deprovisionedAt).toBeNull();
    const [update] = await updates();
    expect(update!.body.template_card).toMatchObject({ replace_text: "已拒绝 Rejected" });
    expect((await auditRows(deps, teamId, "job.rejected"))[0]!.actor).toBe(`wecom:${memberAdmin}`);
    // The admin who started it gets the summary.
    expect((await textsTo(deps, admin)).slice(-1)[0]).toMatch(new RegExp(`^同步完成（#${jobId}）`));
  });

  it("cancelling a run that waits for a decision tells the admin who started it", async () => {
    const { jobId } = await trip(4);
    const res = await apiClient(deps).json("POST", `/api/teams/acme/jobs/${jobId}/cancel`);
    expect(res.status).toBe(200);
    await deps.deferred.flush();
    expect((await jobsOf(deps, teamId)).slice(-1)[0]).toMatchObject({ id: jobId, state: "cancelled" });
    expect((await textsTo(deps, admin)).slice(-1)[0]).toMatch(new RegExp(`^同步已取消（#${jobId}）`));
  });
});
