// The part of @cloudflare/vitest-pool-workers' "cloudflare:test" module the worker tests use,
// typed without @cloudflare/workers-types (the project compiles against Node's types); the
// shapes match src/entry/worker.ts's ExecutionContext and ScheduledController.
declare module "cloudflare:test" {
  interface ExecutionContext {
    waitUntil(promise: Promise<unknown>): void;
  }
  interface ScheduledController {
    cron: string;
    scheduledTime: number;
  }
  /** The Worker's env: wrangler.toml vars, the test secrets and the HYPERDRIVE binding. */
  export const env: Record<string, unknown> & { HYPERDRIVE: { connectionString: string } };
  export function createExecutionContext(): ExecutionContext;
  /** Waits until every promise given to the context's waitUntil settled. */
  export function waitOnExecutionContext(ctx: ExecutionContext): Promise<void>;
  export function createScheduledController(options?: { cron?: string; scheduledTime?: number }): ScheduledController;
}
