import { pathToFileURL } from "node:url";
import { serve, type Http2Bindings, type HttpBindings } from "@hono/node-server";
import cron from "node-cron";
import { createApp } from "../app";
import { ConfigError, parseConfig } from "../config";
import { schedule } from "../jobs/schedule";
import { processInbox } from "../services/callbacks/process-inbox";
import { resumeJobs } from "../services/directory/scheduled";
import { issueSetupCode } from "../services/setup/issue-setup-code";
import { deferQueue } from "./deferred";
import { makeDeps } from "./make-deps";
import { nodeResolveHost } from "./node-dns";
import { nodeHttpSend } from "./node-http-send";
import { openDb } from "./open-db";
import { pinoLogger } from "./pino-logger";
import { promMetrics } from "./prom-metrics";

export async function startNode(env: Record<string, string | undefined>): Promise<{ stop: () => Promise<void>; port: number }> {
  const config = parseConfig(env, { isCron: cron.validate });
  const logger = pinoLogger();
  const opened = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const { defer, drain } = deferQueue(logger);
  // Spent once the process is stopping: sync jobs and the inbox stop between steps and batches, so
  // shutdown does not wait for a whole import or backlog; the next start-up resumes them.
  let shuttingDown = false;
  const http = nodeHttpSend();
  const deps = makeDeps({
    config,
    db: opened.db,
    logger,
    defer,
    wecomSend: http.send,
    webhookSend: http.send,
    inboxLanes: 5,
    budget: { exhausted: () => shuttingDown },
    // /readyz answers 503 from the first moment of shutdown, while in-flight work still drains.
    lifecycle: { stopping: () => shuttingDown },
    metrics: promMetrics({ processMetrics: true }),
    resolveHost: nodeResolveHost,
  });
  const app = createApp();
  // The login throttle needs the client address: the socket's, as Node knows it.
  const server = serve({
    fetch: (req, env: HttpBindings | Http2Bindings) => app.fetch(req, { deps, clientAddress: env.incoming.socket.remoteAddress }),
    port: config.port,
    hostname: "0.0.0.0",
  });
  const port = await new Promise<number>((resolve) =>
    server.once("listening", () => {
      const addr = server.address();
      resolve(typeof addr === "object" && addr ? addr.port : config.port);
    }),
  );
  // One run of each at a time. node-cron's noOverlap cannot see a run handed to defer, and a run
  // can outlast its 5 s period: a backlog of 100,000 webhook deliveries gained another sender every
  // 5 s, all claiming the same rows (BENCHMARKS.md, webhooks).
  const tasks = schedule.map((w) => {
    let running = false;
    return cron.schedule(
      w.nodeCron ?? w.cron(deps),
      () => {
        if (running) return;
        running = true;
        defer(() => w.run(deps).finally(() => (running = false)));
      },
      { name: w.name },
    );
  });
  // Work a previous process left: inbox rows stored but not handled, jobs whose runner died.
  defer(() => processInbox(deps));
  defer(() => resumeJobs(deps));
  logger.info("listening", { port, database: opened.kind, publicUrl: config.publicUrl });
  // A database without accounts yet: the code that opens the setup page, printed for the operator (docs/operations.md#first-run).
  await issueSetupCode(deps);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      shuttingDown = true;
      logger.info("stopping");
      for (const t of tasks) await t.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await drain();
      http.close();
      await opened.close();
      logger.info("stopped");
    })());
  return { stop, port };
}

async function main(): Promise<void> {
  // Installed before start-up: a SIGTERM while migrations run (or another instance holds their
  // lock) would otherwise kill the process mid-way; it now stops the service once it is up.
  let started: { stop: () => Promise<void> } | undefined;
  let signalled = false;
  const shutdown = () => {
    started?.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  // Every signal, not just the first: Ctrl-C reaches npm and the service alike and npm forwards it
  // again (so does `node --watch` under `npm run dev`); a repeat joins the stop under way instead of
  // killing the process half-way through it.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      signalled = true;
      shutdown();
    });
  }
  // From here on a signal stops the service cleanly (a process manager may wait for this line).
  pinoLogger().info("starting");
  try {
    started = await startNode(process.env);
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  }
  if (signalled) shutdown();
}

// pathToFileURL, not `file://${argv[1]}`: import.meta.url percent-encodes spaces and non-ASCII
// (e.g. a Chinese directory name), and a mismatch would make `npm start` exit 0 without serving.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
