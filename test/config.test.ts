import { describe, expect, it } from "vitest";
import cron from "node-cron";
import { ConfigError, parseConfig } from "../src/config";
import { startNode } from "../src/entry/node";
import { TEST_ENV } from "./helpers/deps";

describe("parseConfig", () => {
  it("fills the documented defaults (docs/operations.md#configuration)", () => {
    const c = parseConfig({ APP_SECRET: TEST_ENV.APP_SECRET, ADMIN_TOKEN: TEST_ENV.ADMIN_TOKEN });
    expect(c).toMatchObject({
      port: 3000,
      publicUrl: "http://localhost:3000",
      databaseUrl: undefined,
      dataDir: "./data",
      wecomApiBase: "https://qyapi.weixin.qq.com",
      wecomOauthBase: "https://open.weixin.qq.com",
      wecomLoginBase: "https://login.work.weixin.qq.com",
      reconcileCron: "0 * * * *",
      timeZone: "Asia/Shanghai",
    });
  });

  it("takes an IANA time zone and refuses anything Intl does not know", () => {
    expect(parseConfig({ ...TEST_ENV, TIME_ZONE: "Europe/Berlin" }).timeZone).toBe("Europe/Berlin");
    expect(parseConfig({ ...TEST_ENV, TIME_ZONE: "UTC" }).timeZone).toBe("UTC");
    for (const bad of ["Mars/Olympus", "GMT+25", "Asia/Shanghai; DROP"]) {
      expect(() => parseConfig({ ...TEST_ENV, TIME_ZONE: bad }), bad).toThrow(ConfigError);
      try {
        parseConfig({ ...TEST_ENV, TIME_ZONE: bad });
      } catch (err) {
        expect((err as ConfigError).problems).toEqual([expect.stringContaining("TIME_ZONE")]);
      }
    }
  });

  it("refuses each bad value with one problem naming the variable, showing the value unless it may be secret", () => {
    const refusals: [Record<string, string>, string][] = [
      [{ PORT: "http" }, 'PORT 必须是 0–65535 的整数 / must be an integer 0–65535 (got "http")'],
      [{ PORT: "65536" }, 'PORT 必须是 0–65535 的整数 / must be an integer 0–65535 (got "65536")'],
      [{ PORT: "-1" }, 'PORT 必须是 0–65535 的整数 / must be an integer 0–65535 (got "-1")'],
      [{ PORT: "80.5" }, 'PORT 必须是 0–65535 的整数 / must be an integer 0–65535 (got "80.5")'],
      [{ PUBLIC_URL: "ftp://x" }, 'PUBLIC_URL 必须是 http(s) URL / must be an http(s) URL (got "ftp://x")'],
      [{ PUBLIC_URL: "roster.example.com" }, 'PUBLIC_URL 必须是 http(s) URL / must be an http(s) URL (got "roster.example.com")'],
      [{ WECOM_API_BASE: "qyapi" }, 'WECOM_API_BASE 必须是 http(s) URL / must be an http(s) URL (got "qyapi")'],
      [{ WECOM_OAUTH_BASE: "file:///etc/" }, 'WECOM_OAUTH_BASE 必须是 http(s) URL / must be an http(s) URL (got "file:///etc")'],
      [{ WECOM_LOGIN_BASE: "//login" }, 'WECOM_LOGIN_BASE 必须是 http(s) URL / must be an http(s) URL (got "//login")'],
      [{ DATABASE_URL: "mysql://u:pw@h/db" }, "DATABASE_URL 必须以 postgres:// 开头 / must start with postgres://"],
      [{ APP_SECRET: "" }, "APP_SECRET 必填 is required"],
      [{ APP_SECRET: "x".repeat(31) }, "APP_SECRET 至少 32 个字符 / must be at least 32 characters"],
      [{ ADMIN_TOKEN: "  " }, "ADMIN_TOKEN 必填 is required"],
      [{ ADMIN_TOKEN: "x".repeat(15) }, "ADMIN_TOKEN 至少 16 个字符 / must be at least 16 characters"],
      [{ METRICS_TOKEN: "x".repeat(15) }, "METRICS_TOKEN 至少 16 个字符 / must be at least 16 characters"],
      [{ WECOM_BUDGET_PER_MINUTE: "0" }, 'WECOM_BUDGET_PER_MINUTE 必须是正整数 / must be a positive integer (got "0")'],
      [{ WECOM_BUDGET_PER_HOUR: "many" }, 'WECOM_BUDGET_PER_HOUR 必须是正整数 / must be a positive integer (got "many")'],
      [{ TRUST_PROXY: "yes" }, 'TRUST_PROXY 必须是 true 或 false / must be true or false (got "yes")'],
      [{ WEBHOOK_ALLOW_PRIVATE: "on" }, 'WEBHOOK_ALLOW_PRIVATE 必须是 true 或 false / must be true or false (got "on")'],
      [
        { TIME_ZONE: "Beijing" },
        'TIME_ZONE 不是有效的 IANA 时区，例如 Asia/Shanghai / is not an IANA time zone such as Asia/Shanghai (got "Beijing")',
      ],
    ];
    for (const [env, problem] of refusals) {
      let error: unknown;
      try {
        parseConfig({ ...TEST_ENV, ...env });
      } catch (err) {
        error = err;
      }
      expect(error, JSON.stringify(env)).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems, JSON.stringify(env)).toEqual([problem]);
    }
  });

  it("reads blank as unset, flags in any case, and Workers' typed vars as their text", () => {
    const c = parseConfig({
      ...TEST_ENV,
      PORT: " ",
      DATABASE_URL: "",
      METRICS_TOKEN: " ",
      TRUST_PROXY: "TRUE",
      WEBHOOK_ALLOW_PRIVATE: "1",
      WECOM_BUDGET_PER_HOUR: 9000,
    });
    expect(c).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      metricsToken: undefined,
      trustProxy: true,
      webhookAllowPrivate: true,
      wecomBudget: { perHour: 9000 },
    });
    const workers = parseConfig({ APP_SECRET: TEST_ENV.APP_SECRET, ADMIN_TOKEN: TEST_ENV.ADMIN_TOKEN, PORT: 8080, TRUST_PROXY: false });
    expect(workers).toMatchObject({ port: 8080, publicUrl: "http://localhost:8080", trustProxy: false });
  });

  it("strips a trailing slash from URLs so links never get a double slash", () => {
    expect(parseConfig({ ...TEST_ENV, PUBLIC_URL: "https://x.example.com/" }).publicUrl).toBe("https://x.example.com");
  });

  it("names every problem in one error", () => {
    let error: unknown;
    try {
      parseConfig(
        { PORT: "http", APP_SECRET: "short", PUBLIC_URL: "ftp://x", DATABASE_URL: "mysql://x", RECONCILE_CRON: "hourly" },
        { isCron: cron.validate },
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    for (const name of ["PORT", "APP_SECRET", "ADMIN_TOKEN", "PUBLIC_URL", "DATABASE_URL", "RECONCILE_CRON"])
      expect(problems).toContain(name);
    expect((error as ConfigError).problems).toHaveLength(6);
    expect((error as ConfigError).message).toContain("配置无效 Invalid configuration");
  });

  it("checks RECONCILE_CRON with the scheduler's own validate: node-cron refuses minute 99, which a pattern of digits let through", () => {
    expect(parseConfig({ ...TEST_ENV, RECONCILE_CRON: "*/30 * * * *" }, { isCron: cron.validate }).reconcileCron).toBe("*/30 * * * *");
    for (const bad of ["99 * * * *", "* 24 * * *", "0 * * * * * *", "hourly"]) {
      expect(() => parseConfig({ ...TEST_ENV, RECONCILE_CRON: bad }, { isCron: cron.validate }), bad).toThrow(ConfigError);
      try {
        parseConfig({ ...TEST_ENV, RECONCILE_CRON: bad }, { isCron: cron.validate });
      } catch (err) {
        expect((err as ConfigError).problems).toEqual([`RECONCILE_CRON 不是有效的 cron 表达式 / is not a cron expression (got "${bad}")`]);
      }
    }
  });

  it("stops the Node service's start-up on a RECONCILE_CRON node-cron refuses, before anything opens", async () => {
    const start = startNode({ ...TEST_ENV, RECONCILE_CRON: "99 * * * *" });
    await expect(start).rejects.toThrow(ConfigError);
    await expect(start).rejects.toThrow(/RECONCILE_CRON .*"99 \* \* \* \*"/);
  });

  it("never echoes a secret value in its message", () => {
    try {
      parseConfig({ APP_SECRET: "tooShortSecretValue", ADMIN_TOKEN: "tiny" });
    } catch (err) {
      expect((err as Error).message).not.toContain("tooShortSecretValue");
      expect((err as Error).message).not.toContain("tiny");
      return;
    }
    expect.unreachable();
  });
});
