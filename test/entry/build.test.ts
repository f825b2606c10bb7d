import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildNode, OUTFILE } from "../../scripts/build";
import { TEST_ENV } from "../helpers/deps";
import { listeningPort } from "../helpers/log-lines";

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  // A failed assertion must not leave a server running.
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

describe("npm run build (scripts/build.ts)", () => {
  it("bundles src/entry/node.ts into dist/node.js, which plain node runs: migrates, serves /healthz, stops with 0 on SIGTERM", async () => {
    await buildNode({ quiet: true });
    expect(existsSync(OUTFILE)).toBe(true);

    const dataDir = mkdtempSync(join(tmpdir(), "wr-dist-"));
    dirs.push(dataDir);
    // A fresh env without DATABASE_URL: PGlite in a temp DATA_DIR whether or not the suite runs on
    // PostgreSQL. The bundle's migrations path does not depend on the database kind. No tsx loader:
    // this is what `npm start` runs. cwd is the temp dir so nothing is found relative to it.
    const child = spawn(process.execPath, ["--enable-source-maps", OUTFILE], {
      cwd: dataDir,
      env: { PATH: process.env.PATH, ...TEST_ENV, PORT: "0", DATA_DIR: join(dataDir, "pglite") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on("data", () => {
        const listening = listeningPort(out);
        if (listening !== undefined) resolve(listening);
      });
      void exited.then(() => reject(new Error(`exited before listening: ${err}`)));
    });

    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(out).toContain('"database":"pglite"');

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(out).toContain('"msg":"stopped"');
  }, 30_000);
});
