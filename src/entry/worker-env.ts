import cron from "node-cron";
import { z } from "zod";
import { ConfigError, integer, parseConfig, problemsOf, type Config } from "../config";

/** What Cloudflare passes as `env`: wrangler.toml vars, secrets (`wrangler secret put`) and bindings. */
export type WorkerEnv = Record<string, unknown>;

export interface WorkerSettings {
  config: Config;
  /** Hyperdrive's connection string to PostgreSQL. */
  connectionString: string;
  /** How long one invocation drives sync jobs before leaving the rest to the next (JOB_BUDGET_MS). */
  jobBudgetMs: number;
  /** WeCom calls one invocation may make before sync jobs wait for the next (WECOM_CALL_BUDGET). */
  wecomCallBudget: number;
}

/** Every problem with the Worker's bindings and vars at once, like ConfigError on Node. */
export class WorkerEnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Worker 配置无效 Invalid Worker configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "WorkerEnvError";
  }
}

export const HYPERDRIVE_BINDING = "HYPERDRIVE";

/**
 * Default budget: well inside the 30 s of CPU a Workers invocation gets by default and the 30 s
 * `waitUntil` may run after a response (Cloudflare Workers limits); each job step commits its own
 * cursor, so stopping between steps loses nothing.
 */
const DEFAULT_JOB_BUDGET_MS = 20_000;
const MAX_JOB_BUDGET_MS = 15 * 60_000;
/** Below the paid plan's 1,000 subrequests per invocation, leaving room for the rest of the work. */
const DEFAULT_WECOM_CALL_BUDGET = 800;

const MISSING_HYPERDRIVE = `绑定缺失：在 wrangler.toml 中添加 [[hyperdrive]] binding = "${HYPERDRIVE_BINDING}" / the ${HYPERDRIVE_BINDING} binding is missing: add [[hyperdrive]] with binding = "${HYPERDRIVE_BINDING}" to wrangler.toml`;
const NOT_HYPERDRIVE = `不是 Hyperdrive 绑定（没有 postgres:// connectionString）/ ${HYPERDRIVE_BINDING} is not a Hyperdrive binding (no postgres:// connectionString)`;

/** Data a var may not be: wrangler.toml vars that are tables or arrays (bindings are class instances). */
const isPlainData = (v: unknown) =>
  v === null || Array.isArray(v) || (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype);

/**
 * The Worker's own bindings and vars, one declaration each; the rest are the config's
 * (src/config.ts). Every other var must be text, a number or a boolean.
 */
const workerEnvSchema = z
  .object({
    [HYPERDRIVE_BINDING]: z
      .object(
        { connectionString: z.string({ error: NOT_HYPERDRIVE }).regex(/^postgres(ql)?:\/\//, { error: NOT_HYPERDRIVE }) },
        { error: (issue) => (issue.input === undefined ? MISSING_HYPERDRIVE : NOT_HYPERDRIVE) },
      )
      .transform((binding) => binding.connectionString),
    DATABASE_URL: z
      .never({
        error: `在 Workers 上不使用，数据库来自 ${HYPERDRIVE_BINDING} 绑定 / DATABASE_URL is not used on Workers: the database comes from the ${HYPERDRIVE_BINDING} binding`,
      })
      .optional(),
    JOB_BUDGET_MS: integer(
      DEFAULT_JOB_BUDGET_MS,
      0,
      MAX_JOB_BUDGET_MS,
      `必须是 0–${MAX_JOB_BUDGET_MS} 的整数（毫秒）/ must be an integer 0–${MAX_JOB_BUDGET_MS} (milliseconds)`,
    ),
    WECOM_CALL_BUDGET: integer(DEFAULT_WECOM_CALL_BUDGET, 1, Number.MAX_SAFE_INTEGER, "必须是正整数 / must be a positive integer"),
  })
  .catchall(z.unknown().refine((v) => !isPlainData(v), { error: "必须是字符串 / must be a string" }));

/** Vars are the upper-case names; other entries are left alone. */
const VAR_NAME = /^[A-Z][A-Z0-9_]*$/;

/** Reads and checks the Worker's env on every invocation; throws WorkerEnvError naming every problem. */
export function readWorkerEnv(env: WorkerEnv): WorkerSettings {
  const vars = Object.fromEntries(Object.entries(env).filter(([name]) => VAR_NAME.test(name)));
  const worker = workerEnvSchema.safeParse(vars);
  const problems = worker.success ? [] : problemsOf(worker.error.issues);
  const hyperdrive = vars[HYPERDRIVE_BINDING] as { connectionString?: unknown } | undefined;
  let config: Config | undefined;
  try {
    config = parseConfig({ ...vars, DATABASE_URL: hyperdrive?.connectionString }, { isCron: cron.validate });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // The database is the binding's: its problems are HYPERDRIVE's, named above.
    problems.push(...err.problems.filter((p) => !p.startsWith("DATABASE_URL") && !problems.includes(p)));
  }
  if (!worker.success || !config) throw new WorkerEnvError(problems);
  return {
    config,
    connectionString: worker.data[HYPERDRIVE_BINDING],
    jobBudgetMs: worker.data.JOB_BUDGET_MS,
    wecomCallBudget: worker.data.WECOM_CALL_BUDGET,
  };
}
