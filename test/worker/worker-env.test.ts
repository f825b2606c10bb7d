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
    const problems = problemsOf({
      APP_SECRET: "too-short-secret",
      HYPERDRIVE: { connectionString: "mysql://x" },
      EXTRA: { nested: true },
      JOB_BUDGET_MS: "soon",
    });
    expect(problems).toHaveLength(5);
    expect(problems.join("\n")).toMatch(/HYPERDRIVE[^\n]*connectionString/);
    for (const name of ["APP_SECRET", "ADMIN_TOKEN", "EXTRA", "JOB_BUDGET_MS"]) expect(problems.some((p) => p.startsWith(name))).toBe(true);
    expect(problems.join("\n")).not.toContain("too-short-secret");
    expect(problems.every((p) => /[\u4e00-\u9fff]/.test(p.split("/")[0]!))).toBe(true);
  });

  it("refuses each bad binding and var with one problem naming it", () => {
    const refusals: [Record<string, unknown>, RegExp][] = [
      [{ HYPERDRIVE: undefined }, /^HYPERDRIVE 绑定缺失：.* \/ the HYPERDRIVE binding is missing/],
      [{ HYPERDRIVE: { connectionString: "mysql://x" } }, /^HYPERDRIVE 不是 Hyperdrive 绑定.* is not a Hyperdrive binding/],
      [{ HYPERDRIVE: "postgres://x/db" }, /^HYPERDRIVE 不是 Hyperdrive 绑定/],
      [{ DATABASE_URL: "postgres://elsewhere/db" }, /^DATABASE_URL 在 Workers 上不使用.* is not used on Workers/],
      [
        { JOB_BUDGET_MS: "-1" },
        /^JOB_BUDGET_MS 必须是 0–900000 的整数（毫秒）\/ must be an integer 0–900000 \(milliseconds\) \(got "-1"\)$/,
      ],
      [{ JOB_BUDGET_MS: 900_001 }, /^JOB_BUDGET_MS .*\(got "900001"\)$/],
      [{ JOB_BUDGET_MS: "1.5" }, /^JOB_BUDGET_MS .*\(got "1.5"\)$/],
      [{ WECOM_CALL_BUDGET: 0 }, /^WECOM_CALL_BUDGET 必须是正整数 \/ must be a positive integer \(got "0"\)$/],
      [{ EXTRA: ["a"] }, /^EXTRA 必须是字符串 \/ must be a string$/],
      [{ EXTRA: null }, /^EXTRA 必须是字符串 \/ must be a string$/],
      [{ PORT: { n: 1 } }, /^PORT 必须是字符串 \/ must be a string$/],
    ];
    for (const [env, problem] of refusals) {
      const problems = problemsOf({ ...WORKER_TEST_ENV, HYPERDRIVE, ...env });
      expect(problems, JSON.stringify(env)).toHaveLength(1);
      expect(problems[0], JSON.stringify(env)).toMatch(problem);
    }
  });

  it("takes the call budget as a var, 800 when unset, and leaves lower-case entries alone", () => {
    expect(readWorkerEnv({ ...WORKER_TEST_ENV, HYPERDRIVE }).wecomCallBudget).toBe(800);
    expect(readWorkerEnv({ ...WORKER_TEST_ENV, HYPERDRIVE, WECOM_CALL_BUDGET: 300 }).wecomCallBudget).toBe(300);
    expect(problemsOf({ ...WORKER_TEST_ENV, HYPERDRIVE, settings: { nested: true } })).toEqual([]);
  });

  it("ignores other bindings (objects that are not plain vars)", () => {
    class Binding {}
    expect(problemsOf({ ...WORKER_TEST_ENV, HYPERDRIVE, ASSETS: new Binding() })).toEqual([]);
  });
});
