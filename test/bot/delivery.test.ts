import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readPolicy } from "../../src/db/queries/policies";
import { botMessages, callbackInbox } from "../../src/db/schema";
import { processInbox } from "../../src/services/callbacks/process-inbox";
import { BINDING } from "../helpers/api";
import type { TestDeps } from "../helpers/deps";
import { connectCallbacks, control } from "../helpers/emulator";
import { auditRows } from "../helpers/sync-scenarios";
import { botWorld, clearSent, deliver, inboxOf, jobsOf, say, textsTo } from "./helpers";

let close: () => Promise<void>;
let deps: TestDeps;
let teamId: number;
let admin: string;

beforeAll(async () => {
  let users: string[];
  ({ deps, teamId, users, close } = await botWorld());
  admin = users[0]!;
});
afterAll(async () => close());
beforeEach(async () => clearSent(deps));

/** Makes the inbox hand a finished row to its handler again, as a lapsed lease would. */
async function redeliverToHandler(inboxId: number): Promise<void> {
  await deps.db
    .update(callbackInbox)
    .set({ status: "pending", nextAttemptAt: deps.clock.now(), finishedAt: null })
    .where(eq(callbackInbox.id, inboxId));
  await processInbox(deps);
  await deps.deferred.flush();
}

describe("the same command delivered twice has one effect", () => {
  it("WeCom's retry of one message (re-encrypted): one inbox row, one job, one reply", async () => {
    const jobs = (await jobsOf(deps, teamId)).length;
    const xml = await say(deps, admin, "同步");
    await deliver(deps, xml);
    expect((await jobsOf(deps, teamId)).length).toBe(jobs + 1);
    expect((await inboxOf(deps, teamId)).filter((r) => r.payload === xml)).toHaveLength(1);
    expect((await textsTo(deps, admin)).filter((t) => t.startsWith("已开始同步"))).toHaveLength(1);
  });

  it("two concurrent deliveries pushed by the emulator: one reply", async () => {
    await connectCallbacks(deps, "acme", BINDING);
    await control(deps, "PUT", "/_emulator/callback-faults", { duplicate: 1 });
    await control(deps, "POST", "/_emulator/chat", { from: admin, content: "策略 移除" });
    await deps.deferred.flush();
    const pushes = (await control(deps, "GET", "/_emulator/callbacks")) as { callbacks: { deliveries: unknown[] }[] };
    expect(pushes.callbacks.slice(-1)[0]!.deliveries).toHaveLength(2);
    expect(await textsTo(deps, admin)).toEqual(["策略已改为：移除（移出团队，30 天内可恢复）。"]);
    expect(
      (await auditRows(deps, teamId, "policy.changed")).filter(
        (r) => (r.after as { onMemberDeleted: string }).onMemberDeleted === "remove",
      ),
    ).toHaveLength(1);
    await control(deps, "DELETE", "/_emulator/callback");
  });

  it("the handler run twice for one inbox row (a lapsed lease): no second job, no second reply", async () => {
    const xml = await say(deps, admin, "sync");
    const [row] = (await inboxOf(deps, teamId)).filter((r) => r.payload === xml);
    const jobs = (await jobsOf(deps, teamId)).length;
    const replies = (await textsTo(deps, admin)).length;
    await redeliverToHandler(row!.id);
    expect((await jobsOf(deps, teamId)).length).toBe(jobs);
    expect((await textsTo(deps, admin)).length).toBe(replies);
  });

  it("a crash after 同步 started its job but before the outcome was stored: the re-run finds that job, starts none", async () => {
    const xml = await say(deps, admin, "同步");
    const [row] = (await inboxOf(deps, teamId)).filter((r) => r.payload === xml);
    const jobs = await jobsOf(deps, teamId);
    // Forget everything but the bot row's first sighting, as if the process died right after startSync.
    await deps.db
      .update(botMessages)
      .set({ result: null, repliedAt: null })
      .where(eq(botMessages.messageKey, `msg:${/<MsgId>(\d+)<\/MsgId>/.exec(xml)![1]}`));
    await clearSent(deps);
    deps.clock.advance(60_000);
    await redeliverToHandler(row!.id);
    expect(await jobsOf(deps, teamId)).toHaveLength(jobs.length);
    const texts = await textsTo(deps, admin);
    expect(texts[0]).toContain(`任务 #${jobs[jobs.length - 1]!.id}`);
  });

  it("WeCom refusing the reply: the inbox retries, the effect happens once and the reply goes out once", async () => {
    await control(deps, "POST", "/_emulator/faults", {
      api: "message/send",
      errcode: 60020,
      errmsg: "not allow to access from your ip, hint: [emu], from ip: 10.0.0.1",
      times: 1,
    });
    await say(deps, admin, "策略 锁定");
    expect(await textsTo(deps, admin)).toEqual([]);
    const [row] = (await inboxOf(deps, teamId)).slice(-1);
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    deps.clock.advance(10 * 60_000);
    await processInbox(deps);
    expect(await textsTo(deps, admin)).toEqual(["策略已改为：锁定（保留在名单中，不能使用团队，管理员可解锁）。"]);
    expect((await readPolicy(deps.db, { teamId })).onMemberDeleted).toBe("lock");
    expect(
      (await auditRows(deps, teamId, "policy.changed")).filter((r) => (r.after as { onMemberDeleted: string }).onMemberDeleted === "lock"),
    ).toHaveLength(1);
  });
});

describe("a reply nobody can receive", () => {
  it("a message from someone outside the app's visibility is handled once, not retried (81013 is final)", async () => {
    await say(deps, "ghost-not-in-org", "帮助");
    const [row] = (await inboxOf(deps, teamId)).slice(-1);
    expect(row).toMatchObject({ status: "processed", attempts: 1 });
    expect(deps.logger.lines.some((l) => l.msg.startsWith("bot message reached nobody"))).toBe(true);
  });
});
