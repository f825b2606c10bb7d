import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import type { Deps } from "../../src/deps";
import { readWorkerEnv } from "../../src/entry/worker-env";
import { schedule } from "../../src/jobs/schedule";
import { WORKER_TEST_ENV } from "./env";

/** The fields checked here (wrangler's own Config type pulls in types this project does not install). */
interface WranglerConfig {
  main?: string;
  compatibility_flags: string[];
  vars: Record<string, unknown>;
  triggers: { crons: string[] };
  hyperdrive: { binding: string; localConnectionString?: string }[];
}

const wrangler = unstable_readConfig({ config: "wrangler.toml" }, { hideWarnings: true }) as WranglerConfig;

describe("wrangler.toml", () => {
  it("has a cron trigger for every schedule entry and none besides (RECONCILE_CRON from its vars)", () => {
    const { config } = readWorkerEnv({
      ...wrangler.vars,
      ...WORKER_TEST_ENV,
      HYPERDRIVE: { connectionString: "postgres://u:p@h.hyperdrive.local:5432/db" },
    });
    // A schedule entry's cron reads only the config.
    const deps = { config } as Deps;
    const wanted = new Set(schedule.map((w) => w.cron(deps)));
    expect(new Set(wrangler.triggers.crons)).toEqual(wanted);
    expect(wrangler.triggers.crons).toHaveLength(wanted.size);
  });

  it("runs src/entry/worker.ts with nodejs_compat and a Hyperdrive binding for local PostgreSQL", () => {
    expect(wrangler.main).toMatch(/src\/entry\/worker\.ts$/);
    expect(wrangler.compatibility_flags).toContain("nodejs_compat");
    expect(wrangler.hyperdrive).toEqual([
      expect.objectContaining({
        binding: "HYPERDRIVE",
        localConnectionString: expect.stringMatching(/^postgres:\/\/postgres(:[^@]*)?@127\.0\.0\.1:5432\//) as unknown,
      }),
    ]);
  });

  it("keeps secrets out of its vars", () => {
    expect(Object.keys(wrangler.vars)).not.toContain("APP_SECRET");
    expect(Object.keys(wrangler.vars)).not.toContain("ADMIN_TOKEN");
  });
});
