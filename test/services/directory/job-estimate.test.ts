import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { teams } from "../../../src/db/schema";
import { createEmulator } from "../../../src/emulator";
import type { JobView } from "../../../src/services/directory/job-view";
import { apiClient, boundTeam } from "../../helpers/api";
import { FakeClock, TEST_CORP_ID, testDeps, type TestDeps } from "../../helpers/deps";
import { crashAfterSteps, jobOf, runToEnd } from "../../helpers/sync";
import { openTestDb } from "../../helpers/test-db";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let clock: FakeClock;
let emulator: ReturnType<typeof createEmulator>;
let deps: TestDeps;

beforeAll(async () => {
  opened = await openTestDb();
});
afterAll(async () => opened.close());
beforeEach(async () => {
  await opened.db.delete(teams);
  clock = new FakeClock();
  // 40 departments: a members step lists 10 of them (docs/sync.md#job-steps), so the phase has three more to go.
  emulator = createEmulator({ clock, corpId: TEST_CORP_ID, org: { generate: { departments: 40, users: 120, seed: 1 } } });
  deps = testDeps(opened.db, { clock, emulator });
  await boundTeam(deps, "acme");
});

/** A sync whose runner listed the first step's departments and then died, its progress page's path. */
async function syncStoppedInMembers(): Promise<{ jobId: number; pagePath: string }> {
  const res = await apiClient(deps).json("POST", "/api/teams/acme/sync");
  expect(res.status).toBe(202);
  const { job, progressUrl } = (await res.json()) as { job: JobView; progressUrl: string };
  const row = await crashAfterSteps(deps, job.id, 2);
  expect(row).toMatchObject({ state: "running", phase: "members", done: 10, total: 40 });
  const url = new URL(progressUrl);
  return { jobId: job.id, pagePath: `${url.pathname}${url.search}` };
}

const withBudget = (perMinute: number) =>
  testDeps(opened.db, { clock, emulator, config: { wecomBudget: { perMinute, perHour: perMinute * 60 } } });

describe("how long a sync's members phase still needs", () => {
  it("goes at the pace listed so far while the budget allows more", async () => {
    const { jobId, pagePath } = await syncStoppedInMembers();
    clock.advance(5 * 60_000);
    // 10 departments in 5 minutes, 30 to go: 15 minutes; the budget's 5,000 a minute would allow them in seconds.
    expect((await jobOf(deps, "acme", jobId)).estimate).toEqual({ seconds: 900, bound: "pace", callsPerMinute: 5000 });
    const zh = await (await apiClient(deps).request(pagePath)).text();
    expect(zh).toMatch(/<p id="job-eta" class="muted">预计还需约 15 分钟<\/p>/);
    const en = await (await apiClient(deps).request(pagePath, { headers: { "accept-language": "en" } })).text();
    expect(en).toMatch(/<p id="job-eta" class="muted">About 15 min left<\/p>/);
    // The live script carries both languages' labels; what the page shows is in one.
    expect(en.replace(/<script[\s\S]*?<\/script>/g, "")).not.toContain("预计");
  });

  it("says when the WeCom call budget is what it waits for", async () => {
    const { jobId, pagePath } = await syncStoppedInMembers();
    clock.advance(60_000);
    // At 2 calls a minute the 30 user/list calls left take 15 minutes, though the pace so far says 3.
    const slow = withBudget(2);
    expect((await jobOf(slow, "acme", jobId)).estimate).toEqual({ seconds: 900, bound: "budget", callsPerMinute: 2 });
    const zh = await (await apiClient(slow).request(pagePath)).text();
    expect(zh).toContain("预计还需约 15 分钟（受企业微信调用额度限制：每分钟 2 次）");
    const en = await (await apiClient(slow).request(pagePath, { headers: { "accept-language": "en" } })).text();
    expect(en).toContain("About 15 min left (bound by the WeCom call budget: 2 calls a minute)");
  });

  it("gives none once the members are listed, nor for a finished job", async () => {
    const { jobId, pagePath } = await syncStoppedInMembers();
    clock.advance(60_000);
    await runToEnd(deps, jobId);
    const done = await jobOf(deps, "acme", jobId);
    expect(done.state).toBe("succeeded");
    expect(done).not.toHaveProperty("estimate");
    expect(await (await apiClient(deps).request(pagePath)).text()).toMatch(/<p id="job-eta" class="muted" hidden=""><\/p>/);
  });

  it("is not shown to someone without the job's link", async () => {
    const { pagePath } = await syncStoppedInMembers();
    const forged = pagePath.replace(/t=[^&]+/, "t=forged");
    const res = await apiClient(deps).request(forged);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain("job-eta");
  });
});
