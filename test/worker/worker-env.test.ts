import { describe, expect, it } from "vitest";
import { readWorkerEnv, WorkerEnvError } from "../../src/entry/worker-env";
import { WORKER_TEST_ENV } from "./env";

const HYPERDRIVE = { connectionString: "postgresql://user:pw@abc.hyperdrive.local:5432/roster" };

function problemsOf(env: Record<string, unknown>): string[] {
  try {
    readWorkerEnv(env);
  } catch (err) {
    if (err instanceof WorkerEnvError) return err.problems;
    throw err;
  }
  return [];
}

describe("readWorkerEnv", () => {
  it("builds the config with the existing parser, the database from Hyperdrive, typed vars as strings", () => {
    const s = readWorkerEnv({ ...WORKER_TEST_ENV, HYPERDRIVE, WECOM_BUDGET_PER_MINUTE: 4000, TRUST_PROXY: false, JOB_BUDGET_MS: "15000" });
    expect(s.connectionString).toBe(HYPERDRIVE.connectionString);
    expect(s.config.databaseUrl).toBe(HYPERDRIVE.connectionString);
    expect(s.config.wecomBudget.perMinute).toBe(4000);
    expect(s.config.trustProxy).toBe(false);
    expect(s.jobBudgetMs).toBe(15000);
  });

  it("defaults the job budget to 20 s", () => {
    expect(readWorkerEnv({ ...WORKER_TEST_ENV, HYPERDRIVE }).jobBudgetMs).toBe(20_000);
  });

  it("names every problem at once, Chinese first, and no secret value", () => {
    const problems = problemsOf({ APP_SECRET: "too-short-secret", HYPERDRIVE: { connectionString: "mysql://x" }, EXTRA: { nested: true }, JOB_BUDGET_MS: "soon" });
    expect(problems).toHaveLength(5);
    expect(problems.join("\n")).toMatch(/HYPERDRIVE[^\n]*connectionString/);
    for (const name of ["APP_SECRET", "ADMIN_TOKEN", "EXTRA", "JOB_BUDGET_MS"]) expect(problems.some((p) => p.startsWith(name))).toBe(true);
    expect(problems.join("\n")).not.toContain("too-short-secret");
    expect(problems.every((p) => /[\u4e00-\u9fff]/.test(p.split("/")[0]!))).toBe(true);
  });

  it("ignores other bindings (objects that are not plain vars)", () => {
    class Binding {}
    expect(problemsOf({ ...WORKER_TEST_ENV, HYPERDRIVE, ASSETS: new Binding() })).toEqual([]);
  });
});
