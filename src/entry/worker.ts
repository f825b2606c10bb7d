import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { createApp } from "../app";
import * as schema from "../db/schema";
import type { Deps, InvocationBudget } from "../deps";
import { schedule, type ScheduledWork } from "../jobs/schedule";
import { jsonLogger, type Logger } from "../logger";
import { deferQueue } from "./deferred";
import { makeDeps } from "./make-deps";
import { workerResolveHost } from "./worker-dns";
import { workersEgress } from "./worker-egress";
import { readWorkerEnv, WorkerEnvError, type WorkerEnv, type WorkerSettings } from "./worker-env";

/** The parts of Cloudflare's ExecutionContext and ScheduledController this entry uses. */
export interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}
export interface ScheduledController {
  cron: string;
  scheduledTime: number;
}

/**
 * Connections per invocation. Workers allow 6 simultaneous outgoing connections per invocation
 * and Hyperdrive pools on its side, so a few are enough; WeCom calls need the rest.
 */
const POOL_MAX = 3;

// createApp() holds no I/O objects, so one app serves every request of the isolate. Database
// clients may not outlive their request on Workers, hence one per invocation below.
const app = createApp();

const logger: Logger = jsonLogger((line) => console.log(line));

interface Invocation {
  deps: Deps;
  /** Settles once every deferred task (and the tasks they deferred) settled. */
  drain(): Promise<void>;
}

/**
 * The client is never ended: Workers close an invocation's sockets when it finishes, and on
 * workerd postgres.js' `sql.end()` leaves an unhandled "Stream was cancelled" rejection behind
 * (porsager/postgres#1202; Cloudflare's Hyperdrive examples dropped `sql.end()` for this reason).
 * A streamed response (the job progress events) keeps the invocation, and so the client, alive.
 */
/** Work after a response runs under waitUntil, which the platform stops about 30 s later. */
const WAIT_UNTIL_MS = 25_000;

/**
 * The invocation's budget: time, and WeCom calls (each a subrequest, capped per invocation).
 * Sync jobs check it between steps (run-job.ts) and leave the rest to the next invocation.
 */
function invocationBudget(ms: number, maxCalls: number): { budget: InvocationBudget; wecomFetch: typeof fetch } {
  const deadline = Date.now() + ms;
  let calls = 0;
  return {
    budget: { exhausted: () => Date.now() > deadline || calls >= maxCalls },
    wecomFetch: (input, init) => {
      calls++;
      return fetch(input, init);
    },
  };
}

function openInvocation(settings: WorkerSettings, ctx: ExecutionContext, budgetMs: number): Invocation {
  // Hyperdrive pools connections itself and does not support named prepared statements.
  const client = postgres(settings.connectionString, { max: POOL_MAX, prepare: false, onnotice: () => {} });
  const queue = deferQueue(logger);
  const deps = makeDeps({
    config: settings.config,
    db: drizzle(client, { schema }),
    logger,
    // Each deferred task is the invocation's waitUntil; the queue logs failures.
    defer: (task) =>
      queue.defer(() => {
        const running = task();
        ctx.waitUntil(running.catch(() => {}));
        return running;
      }),
    wrapWecom: (wecom) => workersEgress(wecom, settings.config.wecomApiBase),
    resolveHost: workerResolveHost(),
    ...invocationBudget(budgetMs, settings.wecomCallBudget),
  });
  return { deps, drain: queue.drain };
}

function misconfigured(err: WorkerEnvError): Response {
  logger.error("worker misconfigured", { problems: err.problems });
  const message = `Worker 配置有误 / The Worker is misconfigured: ${err.problems.join("; ")}`;
  return Response.json({ error: { code: "internal", message, problems: err.problems } }, { status: 500 });
}

async function runScheduled(work: ScheduledWork, deps: Deps): Promise<void> {
  try {
    await work.run(deps);
  } catch (err) {
    logger.error("scheduled work failed", { name: work.name, error: err });
  }
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    let settings: WorkerSettings;
    try {
      settings = readWorkerEnv(env);
    } catch (err) {
      if (err instanceof WorkerEnvError) return misconfigured(err);
      throw err;
    }
    const invocation = openInvocation(settings, ctx, WAIT_UNTIL_MS);
    // Cloudflare sets CF-Connecting-IP at its edge (a client cannot supply its own): the login throttle's client address.
    return app.fetch(request, { deps: invocation.deps, clientAddress: request.headers.get("cf-connecting-ip") ?? undefined });
  },

  /** Runs every entry of the schedule table whose cron fired (Workers cron triggers are UTC). */
  async scheduled(controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    const settings = readWorkerEnv(env);
    const invocation = openInvocation(settings, ctx, settings.jobBudgetMs);
    const due = schedule.filter((w) => w.cron(invocation.deps) === controller.cron);
    if (due.length === 0) logger.warn("no scheduled work for this cron", { cron: controller.cron });
    for (const work of due) await runScheduled(work, invocation.deps);
    await invocation.drain();
  },
};
