import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_ENV } from "../helpers/deps";
import { freshDatabase } from "../helpers/test-db";
import { freePort, portIsFree } from "../helpers/ports";

// `npm run emulator` and `npm run dev` as a person runs them (npm → node), each in a process group
// of its own, so a Ctrl-C can reach the whole group as a terminal sends it.
const dirs: string[] = [];
const groups = new Set<number>();
afterAll(() => {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function runScript(script: string, env: Record<string, string>, ready: string) {
  const child = spawn("npm", ["run", "--silent", script], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  groups.add(child.pid!);
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  // The group stays listed after npm exits: whatever it left behind is killed at the end.
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const up = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", () => out.includes(ready) && resolve());
    void exited.then((code) => reject(new Error(`${script} exited (${code}) before it was up: ${err.slice(-2000)}`)));
  });
  return {
    up,
    exited,
    output: () => out,
    /** SIGTERM to npm alone, as a process manager or `kill` sends it. */
    term: () => child.kill("SIGTERM"),
    /** Ctrl-C: SIGINT to every process of the group at once. */
    ctrlC: () => process.kill(-child.pid!, "SIGINT"),
  };
}

describe("npm run emulator", () => {
  it("stops and frees its port on SIGTERM and on Ctrl-C, even with a client connected", async () => {
    const port = await freePort();
    for (const stop of ["term", "ctrlC"] as const) {
      const emulator = runScript("emulator", { EMULATOR_PORT: String(port) }, "WeCom emulator listening");
      await emulator.up;
      // A keep-alive connection left open must not hold the close up.
      expect((await fetch(`http://127.0.0.1:${port}/_emulator/state`)).status).toBe(200);
      emulator[stop]();
      expect(await emulator.exited, stop).toBe(0);
      expect(await portIsFree(port), stop).toBe(true);
    }
  }, 120_000);
});

describe("npm run dev", () => {
  it("stops the service cleanly on Ctrl-C and on SIGTERM, and frees its port", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "wr-dev-"));
    dirs.push(dataDir);
    const pg = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL) : undefined;
    const port = await freePort();
    const env = { ...TEST_ENV, PORT: String(port), DATA_DIR: dataDir, ...(pg ? { DATABASE_URL: pg.url } : {}) };
    for (const stop of ["ctrlC", "term"] as const) {
      const dev = runScript("dev", env, '"msg":"listening"');
      await dev.up;
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      dev[stop]();
      expect(await dev.exited, stop).toBe(0);
      // The service's own stop ran to its end: jobs released, database closed.
      expect(dev.output(), stop).toContain('"msg":"stopped"');
      expect(await portIsFree(port), stop).toBe(true);
    }
    await pg?.drop();
    // Two start-ups under tsx, the first migrating PGlite: on two busy cores this can take minutes.
  }, 300_000);
});
