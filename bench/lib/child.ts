// A server under test in a Node process of its own, so the load generator never shares its event
// loop. Its stdout/stderr go to a file (not a pipe: a pipe the parent must drain would put the
// server's logging on the load generator's event loop, and a full pipe blocks the server).
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { procCpuSeconds } from "./proc";

export interface ServerChild {
  name: string;
  pid: number;
  port: number;
  logFile: string;
  /** User + system CPU seconds the server process has used so far (Linux /proc), if readable. */
  cpuSeconds(): number | undefined;
  /** SIGTERM, then wait for the exit; resolves with the exit code (null if it had to be killed). */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A port the OS just handed out and took back (the child binds it a moment later). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** The port of the first `{"msg":"listening","port":…}` line in the log, if any yet. */
function listeningPort(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const parsed = JSON.parse(line) as { msg?: unknown; port?: unknown };
      if (parsed.msg === "listening" && typeof parsed.port === "number") return parsed.port;
    } catch {
      // not a JSON log line
    }
  }
  return undefined;
}

/**
 * Runs `node [nodeArgs] --import tsx <script>` (a built `.js` script without tsx) in `cwd` with
 * `env` added to this process's environment, and resolves once it logged "listening".
 */
export async function startServer(o: {
  name: string;
  script: string;
  cwd: string;
  env: Record<string, string>;
  logDir: string;
  nodeArgs?: string[];
  timeoutMs?: number;
}): Promise<ServerChild> {
  const logFile = join(o.logDir, `${o.name}.log`);
  const fd = openSync(logFile, "w");
  const loader = o.script.endsWith(".ts") ? ["--import", "tsx"] : ["--enable-source-maps"];
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), ...loader, o.script], {
    cwd: o.cwd,
    env: { ...process.env, ...o.env },
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  const exited = exitOf(child);
  let gone = false;
  void exited.then(() => (gone = true));

  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  let port: number | undefined;
  while ((port = listeningPort(logFile)) === undefined) {
    if (gone) throw new Error(`${o.name} exited before listening:\n${tail(logFile)}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${o.name} did not log "listening" in time:\n${tail(logFile)}`);
    }
    await sleep(25);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${o.name}: no pid`);

  return {
    name: o.name,
    pid,
    port,
    logFile,
    cpuSeconds: () => (gone ? undefined : procCpuSeconds(pid)),
    async stop() {
      if (!gone) child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      const result = await exited;
      clearTimeout(killer);
      return result;
    },
  };
}
