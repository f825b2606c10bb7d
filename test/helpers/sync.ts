import { randomUUID } from "node:crypto";
import { count, eq } from "drizzle-orm";
import { claimJob, releaseJob, type JobRow } from "../../src/db/queries/sync-jobs";
import { departments, members } from "../../src/db/schema";
import type { RunnerMemo } from "../../src/services/directory/job-context";
import { leaseFrom, runJob, runStep } from "../../src/services/directory/run-job";
import type { JobView } from "../../src/services/directory/job-view";
import { apiClient } from "./api";
import type { TestDeps } from "./deps";
import { control } from "./emulator";

export interface OrgSnapshot {
  departments: { id: number; name: string; parentid: number; order: number }[];
  users: { userid: string; name: string; department: number[]; status: number; main_department?: number; position?: string }[];
}

export async function emulatorOrg(deps: TestDeps): Promise<OrgSnapshot> {
  return (await control(deps, "GET", "/_emulator/org")) as OrgSnapshot;
}

/** Starts a sync through the API and runs it to the end (or to a decision). */
export async function syncNow(deps: TestDeps, slug: string): Promise<JobView> {
  const { json } = apiClient(deps);
  const started = await json("POST", `/api/teams/${slug}/sync`);
  if (started.status !== 202) throw new Error(`sync: ${started.status} ${await started.text()}`);
  const { job } = (await started.json()) as { job: JobView };
  await deps.deferred.flush();
  return jobOf(deps, slug, job.id);
}

export async function jobOf(deps: TestDeps, slug: string, id: number): Promise<JobView> {
  const res = await apiClient(deps).json("GET", `/api/teams/${slug}/jobs/${id}`);
  return (await res.json()) as JobView;
}

export async function runToEnd(deps: TestDeps, jobId: number): Promise<void> {
  await runJob(deps, jobId);
  await deps.deferred.flush();
}

/**
 * A runner that claims the job, runs `steps` steps and dies: the lease stays held, no heartbeat
 * renews it, nothing is reported. Null when another runner holds the job. Drives the runner's own
 * steps (runStep), so what it commits is what a live runner would.
 */
export async function crashAfterSteps(deps: TestDeps, jobId: number, steps: number): Promise<JobRow | null> {
  const runnerId = randomUUID();
  let job = await claimJob(deps.db, { jobId, now: deps.clock.now(), leaseUntil: leaseFrom(deps), runnerId });
  if (!job) return null;
  const memo: RunnerMemo = {};
  for (let i = 0; i < steps && job.state === "running" && !job.cancelRequested; i++) job = await runStep(deps, job, runnerId, memo);
  // A job that ended within those steps was let go, as the runner does.
  if (job.state !== "running") await releaseJob(deps.db, { jobId, runnerId });
  return job;
}

/** The mirror as plain data, for comparing two runs. */
export async function mirrorOf(deps: TestDeps, teamId: number) {
  const d = await deps.db.select().from(departments).where(eq(departments.teamId, teamId)).orderBy(departments.id);
  const m = await deps.db.select().from(members).where(eq(members.teamId, teamId)).orderBy(members.wecomUserKey);
  return {
    departments: d.map((x) => ({ id: x.id, name: x.name, parentId: x.parentId, order: x.order })),
    members: m.map((x) => ({
      key: x.wecomUserKey,
      userId: x.wecomUserId,
      name: x.name,
      departmentIds: x.departmentIds,
      main: x.mainDepartmentId,
      position: x.position,
      status: x.status,
    })),
  };
}

export async function rowCount(deps: TestDeps, table: typeof departments | typeof members): Promise<number> {
  const [r] = await deps.db.select({ n: count() }).from(table);
  return Number(r?.n ?? 0);
}
