export interface Config {
  port: number;
  publicUrl: string;
  databaseUrl: string | undefined;
  dataDir: string;
  appSecret: string;
  adminToken: string;
  wecomApiBase: string;
  wecomOauthBase: string;
  /** WeCom web login (doc 98171) for self-binding from an ordinary browser. */
  wecomLoginBase: string;
  reconcileCron: string;
  /** Calls per API per corp we allow ourselves: half of WeCom's 10,000/min and 150,000/hour (docs/wecom.md#rate-limits). */
  wecomBudget: { perMinute: number; perHour: number };
  /** Largest callback body accepted, in bytes. */
  callbackMaxBytes: number;
  /** Allowed |now − timestamp| for callbacks, in seconds (our rule, docs/wecom.md#callback-crypto). */
  callbackMaxSkewSeconds: number;
  /** scrypt cost N for new password hashes (2^15 in production; tests may lower it). */
  passwordScryptN: number;
  /**
   * `TRUST_PROXY=true`: the service runs behind exactly one reverse proxy that appends the peer
   * address to `X-Forwarded-For`, so the last entry is the client IP used to throttle logins.
   * Off (default): the header is ignored and the socket's address is used.
   */
  trustProxy: boolean;
  /** `METRICS_TOKEN`: the bearer token `GET /metrics` asks for; unset, /metrics does not exist (404). */
  metricsToken: string | undefined;
  /** `WEBHOOK_ALLOW_PRIVATE=true`: webhook URLs may name loopback and private addresses (tests, a private network). */
  webhookAllowPrivate: boolean;
  /** How long a webhook receiver may take to answer before the attempt counts as failed. */
  webhookTimeoutMs: number;
  /** IANA time zone every time shown to a person is given in (pages), named beside it. */
  timeZone: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`配置无效 Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

/** What this runtime's Intl accepts as a time zone (Node and Workers both carry the IANA database). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * Parses the environment (docs/operations.md#configuration); every problem is reported at once.
 * `isCron` checks `RECONCILE_CRON`: node-cron's own `validate`, passed in by the entries so that
 * this file imports no runtime package (docs/sync.md#reconcile); without it the value is not checked.
 */
export function parseConfig(env: Env, checks: { isCron?: (expression: string) => boolean } = {}): Config {
  const problems: string[] = [];
  const str = (name: string, fallback?: string): string => {
    const v = env[name]?.trim();
    if (v) return v;
    if (fallback === undefined) problems.push(`${name} 必填 is required`);
    return fallback ?? "";
  };
  const url = (name: string, fallback: string): string => {
    const v = str(name, fallback).replace(/\/+$/, "");
    try {
      const u = new URL(v);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("scheme");
    } catch {
      problems.push(`${name} 必须是 http(s) URL / must be an http(s) URL (got "${v}")`);
    }
    return v;
  };

  const portText = str("PORT", "3000");
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT 必须是 0–65535 的整数 / must be an integer 0–65535 (got "${portText}")`);

  const appSecret = str("APP_SECRET");
  if (appSecret && appSecret.length < 32) problems.push("APP_SECRET 至少 32 个字符 / must be at least 32 characters");
  const adminToken = str("ADMIN_TOKEN");
  if (adminToken && adminToken.length < 16) problems.push("ADMIN_TOKEN 至少 16 个字符 / must be at least 16 characters");

  const metricsToken = env.METRICS_TOKEN?.trim() || undefined;
  if (metricsToken && metricsToken.length < 16) problems.push("METRICS_TOKEN 至少 16 个字符 / must be at least 16 characters");

  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push("DATABASE_URL 必须以 postgres:// 开头 / must start with postgres://");

  const reconcileCron = str("RECONCILE_CRON", "0 * * * *");
  if (checks.isCron && !checks.isCron(reconcileCron)) {
    problems.push(`RECONCILE_CRON 不是有效的 cron 表达式 / is not a cron expression (got "${reconcileCron}")`);
  }

  const positive = (name: string, fallback: number): number => {
    const text = str(name, String(fallback));
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) problems.push(`${name} 必须是正整数 / must be a positive integer (got "${text}")`);
    return n;
  };

  const trustProxyText = str("TRUST_PROXY", "false").toLowerCase();
  if (!["true", "false", "1", "0"].includes(trustProxyText)) problems.push(`TRUST_PROXY 必须是 true 或 false / must be true or false (got "${trustProxyText}")`);

  const allowPrivateText = str("WEBHOOK_ALLOW_PRIVATE", "false").toLowerCase();
  if (!["true", "false", "1", "0"].includes(allowPrivateText)) problems.push(`WEBHOOK_ALLOW_PRIVATE 必须是 true 或 false / must be true or false (got "${allowPrivateText}")`);
  const timeZone = str("TIME_ZONE", "Asia/Shanghai");
  if (!isTimeZone(timeZone)) problems.push(`TIME_ZONE 不是有效的 IANA 时区，例如 Asia/Shanghai / is not an IANA time zone such as Asia/Shanghai (got "${timeZone}")`);

  const config: Config = {
    port,
    publicUrl: url("PUBLIC_URL", `http://localhost:${Number.isInteger(port) ? port : 3000}`),
    databaseUrl,
    dataDir: str("DATA_DIR", "./data"),
    appSecret,
    adminToken,
    wecomApiBase: url("WECOM_API_BASE", "https://qyapi.weixin.qq.com"),
    wecomOauthBase: url("WECOM_OAUTH_BASE", "https://open.weixin.qq.com"),
    wecomLoginBase: url("WECOM_LOGIN_BASE", "https://login.work.weixin.qq.com"),
    reconcileCron,
    wecomBudget: { perMinute: positive("WECOM_BUDGET_PER_MINUTE", 5000), perHour: positive("WECOM_BUDGET_PER_HOUR", 75000) },
    callbackMaxBytes: 64 * 1024,
    callbackMaxSkewSeconds: 300,
    passwordScryptN: 2 ** 15,
    trustProxy: trustProxyText === "true" || trustProxyText === "1",
    metricsToken,
    webhookAllowPrivate: allowPrivateText === "true" || allowPrivateText === "1",
    webhookTimeoutMs: 10_000,
    timeZone,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
