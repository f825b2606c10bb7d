import { z } from "zod";

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

/** What an entry passes: `process.env` on Node; on Workers, vars may arrive as numbers and booleans. */
type Env = Record<string, unknown>;
type ZodIssue = z.core.$ZodIssue;

/** What this runtime's Intl accepts as a time zone (Node and Workers both carry the IANA database). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

/** A refusal that shows the value it refused; never used for secrets and DATABASE_URL, which may hold a password. */
const got = (rule: string) => (issue: { input?: unknown }) => `${rule} (got "${String(issue.input)}")`;

const text = z.string({ error: (issue) => (issue.input === undefined ? "必填 is required" : "必须是字符串 / must be a string") });
/** Trimmed; blank counts as unset; Workers' typed vars (`X = 5000` in wrangler.toml) read as their text. */
const asText = (v: unknown) =>
  typeof v === "number" || typeof v === "boolean" ? String(v) : typeof v === "string" ? v.trim() || undefined : v;

/** One variable as text; unset, it is `fallback`, or "required" without one. */
const setting = (fallback?: string) => z.preprocess(asText, fallback === undefined ? text : text.default(fallback));

/** One variable as text that may be unset. */
const optionalSetting = () => z.preprocess(asText, text.optional());

/** An integer variable within [min, max]; `Number`'s reading of the text, as before zod (`1e3` is 1000). */
export const integer = (fallback: number, min: number, max: number, rule: string) =>
  setting(String(fallback))
    .refine((text) => Number.isInteger(Number(text)) && Number(text) >= min && Number(text) <= max, { error: got(rule) })
    .transform(Number);

/** `true`/`false`/`1`/`0`, any case. */
const flag = (fallback: boolean) =>
  setting(String(fallback)).pipe(
    z.stringbool({
      truthy: ["true", "1"],
      falsy: ["false", "0"],
      case: "insensitive",
      error: got("必须是 true 或 false / must be true or false"),
    }),
  );

/** An http(s) base URL, without trailing slashes so that links never get a double slash. */
const httpUrl = (fallback: string) =>
  setting(fallback)
    .transform((v) => v.replace(/\/+$/, ""))
    .refine(isHttpUrl, { error: got("必须是 http(s) URL / must be an http(s) URL") });

/** A secret: at least `min` characters; a refusal never shows the value. */
const secret = (min: number) =>
  setting().refine((v) => v.length >= min, { error: `至少 ${min} 个字符 / must be at least ${min} characters` });

/**
 * The variables (docs/operations.md#configuration), one declaration each: type, default,
 * constraint and message. A problem reads "<VARIABLE> <message>" (`problemsOf`).
 */
function configSchema(isCron: ((expression: string) => boolean) | undefined) {
  return z
    .object({
      PORT: integer(3000, 0, 65535, "必须是 0–65535 的整数 / must be an integer 0–65535"),
      PUBLIC_URL: optionalSetting()
        .transform((v) => v?.replace(/\/+$/, ""))
        .refine((v) => v === undefined || isHttpUrl(v), { error: got("必须是 http(s) URL / must be an http(s) URL") }),
      DATABASE_URL: optionalSetting().refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
        error: "必须以 postgres:// 开头 / must start with postgres://",
      }),
      DATA_DIR: setting("./data"),
      APP_SECRET: secret(32),
      ADMIN_TOKEN: secret(16),
      WECOM_API_BASE: httpUrl("https://qyapi.weixin.qq.com"),
      WECOM_OAUTH_BASE: httpUrl("https://open.weixin.qq.com"),
      WECOM_LOGIN_BASE: httpUrl("https://login.work.weixin.qq.com"),
      RECONCILE_CRON: setting("0 * * * *").refine((v) => !isCron || isCron(v), {
        error: got("不是有效的 cron 表达式 / is not a cron expression"),
      }),
      WECOM_BUDGET_PER_MINUTE: integer(5000, 1, Number.MAX_SAFE_INTEGER, "必须是正整数 / must be a positive integer"),
      WECOM_BUDGET_PER_HOUR: integer(75000, 1, Number.MAX_SAFE_INTEGER, "必须是正整数 / must be a positive integer"),
      TRUST_PROXY: flag(false),
      METRICS_TOKEN: optionalSetting().refine((v) => v === undefined || v.length >= 16, {
        error: "至少 16 个字符 / must be at least 16 characters",
      }),
      WEBHOOK_ALLOW_PRIVATE: flag(false),
      TIME_ZONE: setting("Asia/Shanghai").refine(isTimeZone, {
        error: got("不是有效的 IANA 时区，例如 Asia/Shanghai / is not an IANA time zone such as Asia/Shanghai"),
      }),
    })
    .transform((env): Config => ({
      port: env.PORT,
      publicUrl: env.PUBLIC_URL ?? `http://localhost:${env.PORT}`,
      databaseUrl: env.DATABASE_URL,
      dataDir: env.DATA_DIR,
      appSecret: env.APP_SECRET,
      adminToken: env.ADMIN_TOKEN,
      wecomApiBase: env.WECOM_API_BASE,
      wecomOauthBase: env.WECOM_OAUTH_BASE,
      wecomLoginBase: env.WECOM_LOGIN_BASE,
      reconcileCron: env.RECONCILE_CRON,
      wecomBudget: { perMinute: env.WECOM_BUDGET_PER_MINUTE, perHour: env.WECOM_BUDGET_PER_HOUR },
      callbackMaxBytes: 64 * 1024,
      callbackMaxSkewSeconds: 300,
      passwordScryptN: 2 ** 15,
      trustProxy: env.TRUST_PROXY,
      metricsToken: env.METRICS_TOKEN,
      webhookAllowPrivate: env.WEBHOOK_ALLOW_PRIVATE,
      webhookTimeoutMs: 10_000,
      timeZone: env.TIME_ZONE,
    }));
}

/** Built once per cron check: the Worker parses its env on every invocation. */
const schemas = new Map<((expression: string) => boolean) | undefined, ReturnType<typeof configSchema>>();

/** One line per problem, "<VARIABLE> <message>", each once. */
export function problemsOf(issues: readonly ZodIssue[]): string[] {
  return [...new Set(issues.map((issue) => `${String(issue.path[0])} ${issue.message}`))];
}

/**
 * Parses the environment (docs/operations.md#configuration); every problem is reported at once.
 * `isCron` checks `RECONCILE_CRON`: node-cron's own `validate`, passed in by the entries so that
 * this file imports no runtime package (docs/sync.md#reconcile); without it the value is not checked.
 */
export function parseConfig(env: Env, checks: { isCron?: (expression: string) => boolean } = {}): Config {
  let schema = schemas.get(checks.isCron);
  if (!schema) schemas.set(checks.isCron, (schema = configSchema(checks.isCron)));
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error.issues));
  return parsed.data;
}
