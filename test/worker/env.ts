/** Secrets and vars the worker tests give the Worker on top of wrangler.toml's vars. */
export const WORKER_TEST_ENV = {
  APP_SECRET: "worker-test-app-secret-0123456789abcdef",
  ADMIN_TOKEN: "worker-test-admin-token-0123",
  PUBLIC_URL: "https://roster.example.com",
};

export const OPERATOR = { authorization: `Bearer ${WORKER_TEST_ENV.ADMIN_TOKEN}` };

/** The corp the emulator hosts for these tests, and an app of it (src/emulator defaults). */
export const WORKER_BINDING = {
  corpId: "ww1436e0e65a779aee",
  agentId: 1000002,
  secret: "emu-app-secret-0000000000000000000000000000",
  token: "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
  encodingAesKey: "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
};

declare module "vitest" {
  export interface ProvidedContext {
    /** A migrated database of the worker tests' own, for the Hyperdrive binding. */
    workerDatabaseUrl: string;
    /** The WeCom emulator over HTTP. */
    emulatorUrl: string;
  }
}
