import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { WORKER_TEST_ENV } from "./test/worker/env";

/**
 * The worker tests (`npm run test:worker`): src/entry/worker.ts in workerd (Miniflare, offline),
 * its Hyperdrive binding on a fresh database of the local PostgreSQL (global-setup.ts migrates
 * it), WeCom played by the emulator as a Node HTTP server. Files end in `.workerd-test.ts` so the
 * Node suite (`npm test`) does not pick them up.
 */
export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      main: "./src/entry/worker.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        hyperdrives: { HYPERDRIVE: inject("workerDatabaseUrl") },
        bindings: { ...WORKER_TEST_ENV, WECOM_API_BASE: inject("emulatorUrl"), WECOM_OAUTH_BASE: inject("emulatorUrl") },
      },
    })),
  ],
  test: {
    include: ["test/worker/**/*.workerd-test.ts"],
    globalSetup: ["test/worker/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 1,
  },
});
