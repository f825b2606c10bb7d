import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createOrGetOpenJob } from "../../src/db/queries/sync-jobs";
import { findTeamBySlug } from "../../src/db/queries/teams";
import { syncJobs } from "../../src/db/schema";
import { api, bindTeam, testDb, trigger } from "./worker-client";

interface Job {
  id: number;
  state: string;
  initiator: string;
  progress: { phase: string };
}

const jobsOf = async (slug: string) => (await api("GET", `/api/teams/${slug}/jobs`)).json<{ items: Job[] }>().items;

beforeAll(async () => {
  await bindTeam("sched");
});

describe("src/entry/worker.ts scheduled", () => {
  it("the reconcile cron (RECONCILE_CRON from wrangler.toml) syncs every bound team", async () => {
    await trigger("0 * * * *");
    const jobs = await jobsOf("sched");
    expect(jobs).toEqual([expect.objectContaining({ initiator: "schedule", state: "succeeded" })]);
  });

  it("out of budget, the minute cron releases a queued job unfinished (no lease left to lapse); the next minute finishes it", async () => {
    const db = testDb();
    const team = await findTeamBySlug(db, { slug: "sched" });
    const { job } = await createOrGetOpenJob(db, { teamId: team!.id, initiator: "schedule", now: new Date() });
    expect(job.state).toBe("queued");

    await trigger("* * * * *", { JOB_BUDGET_MS: "0" });
    const [stopped] = await db.select().from(syncJobs).where(eq(syncJobs.id, job.id));
    expect(["queued", "running"]).toContain(stopped!.state);
    // Released, not abandoned: the next invocation need not wait for the lease to lapse.
    expect(stopped!.runnerId).toBeNull();

    await trigger("* * * * *");
    const [finished] = await db.select().from(syncJobs).where(eq(syncJobs.id, job.id));
    expect(finished!.state).toBe("succeeded");
  });

  it("with a budget of a few WeCom calls, a job advances a little per minute and completes over several invocations", async () => {
    const db = testDb();
    const team = await findTeamBySlug(db, { slug: "sched" });
    const { job } = await createOrGetOpenJob(db, { teamId: team!.id, initiator: "schedule", now: new Date() });
    const phases: string[] = [];
    let state = job.state;
    for (let minute = 0; minute < 40 && state !== "succeeded"; minute++) {
      await trigger("* * * * *", { WECOM_CALL_BUDGET: "2" });
      const [now] = await db.select().from(syncJobs).where(eq(syncJobs.id, job.id));
      expect(now!.runnerId).toBeNull();
      phases.push(now!.phase);
      state = now!.state;
    }
    expect(state).toBe("succeeded");
    // More than one invocation was needed: the budget really stopped the runner between steps.
    expect(new Set(phases).size).toBeGreaterThan(1);
  });

  it("a cron no schedule entry uses runs nothing", async () => {
    const before = await jobsOf("sched");
    await trigger("5 4 * * *");
    expect(await jobsOf("sched")).toEqual(before);
  });
});
