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

  it("strips a trailing slash from URLs so links never get a double slash", () => {
    expect(parseConfig({ ...TEST_ENV, PUBLIC_URL: "https://x.example.com/" }).publicUrl).toBe("https://x.example.com");
  });

  it("names every problem in one error", () => {
    let error: unknown;
    try {
      parseConfig({ PORT: "http", APP_SECRET: "short", PUBLIC_URL: "ftp://x", DATABASE_URL: "mysql://x", RECONCILE_CRON: "hourly" }, { isCron: cron.validate });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    for (const name of ["PORT", "APP_SECRET", "ADMIN_TOKEN", "PUBLIC_URL", "DATABASE_URL", "RECONCILE_CRON"]) expect(problems).toContain(name);
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
