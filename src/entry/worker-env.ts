import cron from "node-cron";
import { ConfigError, parseConfig, type Config } from "../config";

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

function hyperdriveUrl(binding: unknown, problems: string[]): string {
  const url = typeof binding === "object" && binding !== null ? (binding as { connectionString?: unknown }).connectionString : undefined;
  if (binding === undefined) {
    problems.push(`${HYPERDRIVE_BINDING} 绑定缺失：在 wrangler.toml 中添加 [[hyperdrive]] binding = "${HYPERDRIVE_BINDING}" / the ${HYPERDRIVE_BINDING} binding is missing: add [[hyperdrive]] with binding = "${HYPERDRIVE_BINDING}" to wrangler.toml`);
  } else if (typeof url !== "string" || !/^postgres(ql)?:\/\//.test(url)) {
    problems.push(`${HYPERDRIVE_BINDING} 不是 Hyperdrive 绑定（没有 postgres:// connectionString）/ ${HYPERDRIVE_BINDING} is not a Hyperdrive binding (no postgres:// connectionString)`);
  }
  return typeof url === "string" ? url : "";
}

/** Vars arrive typed from wrangler.toml (`X = 5000` is a number); parseConfig reads strings. */
function varStrings(env: WorkerEnv, problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name === HYPERDRIVE_BINDING) continue;
    if (typeof value === "string") out[name] = value;
    else if (typeof value === "number" || typeof value === "boolean") out[name] = String(value);
    else if (/^[A-Z][A-Z0-9_]*$/.test(name) && (value === null || Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)) {
      problems.push(`${name} 必须是字符串 / must be a string`);
    }
  }
  return out;
}

/** Reads and checks the Worker's env on every invocation; throws WorkerEnvError naming every problem. */
export function readWorkerEnv(env: WorkerEnv): WorkerSettings {
  const problems: string[] = [];
  const connectionString = hyperdriveUrl(env[HYPERDRIVE_BINDING], problems);
  const vars = varStrings(env, problems);
  if (vars.DATABASE_URL !== undefined) {
    problems.push(`DATABASE_URL 在 Workers 上不使用，数据库来自 ${HYPERDRIVE_BINDING} 绑定 / DATABASE_URL is not used on Workers: the database comes from the ${HYPERDRIVE_BINDING} binding`);
  }
  const budgetText = vars.JOB_BUDGET_MS?.trim() || String(DEFAULT_JOB_BUDGET_MS);
  const jobBudgetMs = Number(budgetText);
  if (!Number.isInteger(jobBudgetMs) || jobBudgetMs < 0 || jobBudgetMs > MAX_JOB_BUDGET_MS) {
    problems.push(`JOB_BUDGET_MS 必须是 0–${MAX_JOB_BUDGET_MS} 的整数（毫秒）/ must be an integer 0–${MAX_JOB_BUDGET_MS} (milliseconds) (got "${budgetText}")`);
  }
  const callsText = vars.WECOM_CALL_BUDGET?.trim() || String(DEFAULT_WECOM_CALL_BUDGET);
  const wecomCallBudget = Number(callsText);
  if (!Number.isInteger(wecomCallBudget) || wecomCallBudget < 1) {
    problems.push(`WECOM_CALL_BUDGET 必须是正整数 / must be a positive integer (got "${callsText}")`);
  }
  let config: Config | undefined;
  try {
    config = parseConfig({ ...vars, DATABASE_URL: connectionString || undefined }, { isCron: cron.validate });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems.filter((p) => !p.startsWith("DATABASE_URL")));
  }
  if (problems.length > 0 || !config) throw new WorkerEnvError(problems);
  return { config, connectionString, jobBudgetMs, wecomCallBudget };
}
