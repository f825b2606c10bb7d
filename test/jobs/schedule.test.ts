import cron from "node-cron";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAttempts, members, sessions, syncJobs, teams } from "../../src/db/schema";
import { schedule } from "../../src/jobs/schedule";
import { reconcileAll } from "../../src/services/directory/scheduled";
import { apiClient, boundTeam } from "../helpers/api";
import { testDeps, type TestDeps } from "../helpers/deps";
import { crashAfterSteps, rowCount } from "../helpers/sync";
import { openTestDb } from "../helpers/test-db";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;

beforeAll(async () => {
  opened = await openTestDb();
  deps = testDeps(opened.db, { env: { RECONCILE_CRON: "*/30 * * * *" } });
  await boundTeam(deps, "one");
  await boundTeam(deps, "two");
  await apiClient(deps).json("POST", "/api/teams", { slug: "unbound", name: "x" });
});
afterAll(async () => opened.close());

describe("schedule", () => {
  it("has unique names and valid cron expressions, the reconcile one from RECONCILE_CRON", () => {
    expect(new Set(schedule.map((w) => w.name)).size).toBe(schedule.length);
    for (const w of schedule) expect(cron.validate(w.cron(deps))).toBe(true);
    for (const w of schedule) if (w.nodeCron !== undefined) expect(cron.validate(w.nodeCron)).toBe(true);
    expect(schedule.find((w) => w.name === "reconcile")!.cron(deps)).toBe("*/30 * * * *");
  });

  it("reconciles every bound team, and only bound ones", async () => {
    expect(await reconcileAll(deps)).toBe(2);
    const jobs = await opened.db.select().from(syncJobs);
    expect(jobs.map((j) => j.state)).toEqual(["succeeded", "succeeded"]);
    expect(jobs.every((j) => j.initiator === "schedule")).toBe(true);
    expect(await rowCount(deps, members)).toBeGreaterThan(0);
    expect((await opened.db.select().from(teams)).length).toBe(3);
  });

  it("the sync-resume entry finishes a job whose runner died, once its lease lapsed", async () => {
    const started = await apiClient(deps).json("POST", "/api/teams/one/sync");
    const { job } = (await started.json()) as { job: { id: number } };
    deps.deferred.queue.length = 0;
    await crashAfterSteps(deps, job.id, 2);
    const resume = schedule.find((w) => w.name === "sync-resume")!;
    expect(await resume.run(deps)).toBe(0);
    deps.clock.advance(61_000);
    expect(await resume.run(deps)).toBe(1);
    const res = await apiClient(deps).json("GET", `/api/teams/one/jobs/${job.id}`);
    expect(await res.json()).toMatchObject({ state: "succeeded" });
  });
});

describe("housekeeping", () => {
  it("drops expired sessions and passed throttle windows, and keeps live ones", async () => {
    const clock = deps.clock;
    const res = await apiClient(deps).json("POST", "/api/accounts", {
      username: "keeper",
      password: "correct horse battery",
      name: "Keeper",
    });
    const { id } = ((await res.json()) as { account: { id: number } }).account;
    const now = clock.now();
    await opened.db.insert(sessions).values([
      { tokenHash: "expired-session", accountId: id, createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() - 1000) },
      { tokenHash: "live-session", accountId: id, createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + 60_000) },
    ]);
    await opened.db.insert(loginAttempts).values([
      { key: "user:old", windowStart: new Date(now.getTime() - 16 * 60_000), attempts: 3 },
      { key: "user:recent", windowStart: new Date(now.getTime() - 60_000), attempts: 3 },
    ]);
    await schedule.find((w) => w.name === "housekeeping")!.run(deps);
    expect((await opened.db.select().from(sessions)).map((s) => s.tokenHash)).toEqual(["live-session"]);
    expect((await opened.db.select().from(loginAttempts)).map((a) => a.key)).toEqual(["user:recent"]);
  });
});
