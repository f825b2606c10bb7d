import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_ENV } from "../helpers/deps";
import { listeningPort } from "../helpers/log-lines";
import { freshDatabase } from "../helpers/test-db";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/entry/node.ts"], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const listening = new Promise<number>((resolve, reject) => {
    child.stdout.on("data", () => {
      const port = listeningPort(out);
      if (port !== undefined) resolve(port);
    });
    void exited.then(() => reject(new Error(`exited before listening: ${err}`)));
  });
  // The setup code line, which follows "listening" once the database is found without accounts.
  const setupCode = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", () => {
      const line = out.split("\n").find((l) => l.includes('"msg":"setup code"'));
      if (line) resolve(String((JSON.parse(line) as { setupCode: unknown }).setupCode));
    });
    void exited.then(() => reject(new Error(`exited before a setup code: ${err}`)));
  });
  setupCode.catch(() => {});
  return { child, exited, listening, setupCode, output: () => out, errors: () => err };
}

describe("src/entry/node.ts", () => {
  it("migrates, serves /healthz and stops cleanly on SIGTERM (the suite's database: PostgreSQL or PGlite)", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "wr-node-"));
    dirs.push(dataDir);
    // Under DATABASE_URL the server gets a fresh PostgreSQL database of its own; else PGlite in DATA_DIR.
    const pg = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL) : undefined;
    const server = startServer({ ...TEST_ENV, PORT: "0", DATA_DIR: dataDir, ...(pg?.url ? { DATABASE_URL: pg.url } : {}) });
    const port = await server.listening;
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    // The socket address reaches the app: failed logins under many usernames hit the per-IP limit.
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const login = await fetch(`http://127.0.0.1:${port}/api/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: `nobody${i}`, password: "wrong-password-123" }),
      });
      statuses.push(login.status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
    // No account yet: the start-up printed the code that opens the setup page, and it works.
    const code = await server.setupCode;
    const form = await fetch(`http://127.0.0.1:${port}/setup`);
    const cookie = form.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const fields = {
      _csrf: csrf,
      code,
      name: "Owner",
      username: "owner",
      password: "correct horse battery",
      teamName: "Acme",
      teamSlug: "acme",
    };
    const setUp = await fetch(`http://127.0.0.1:${port}/setup`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
      redirect: "manual",
    });
    expect(setUp.status).toBe(303);
    expect(setUp.headers.get("location")).toBe("teams/acme/wecom");
    expect((await fetch(`http://127.0.0.1:${port}/setup`)).status).toBe(410);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');
    expect(server.output()).toContain(pg ? '"database":"postgres"' : '"database":"pglite"');
    expect(server.output()).not.toContain(TEST_ENV.APP_SECRET);
    await pg?.drop();
    // A child under tsx migrating PGlite, then a setup: on two busy cores this can take minutes.
  }, 180_000);

  it("a SIGTERM during start-up stops the service cleanly once it is up", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "wr-node-"));
    dirs.push(dataDir);
    const server = startServer({ ...TEST_ENV, PORT: "0", DATA_DIR: dataDir });
    // The signal handlers are in place once "starting" is out; migrations follow.
    await new Promise<void>((resolve, reject) => {
      const seen = () => server.output().includes('"msg":"starting"') && resolve();
      server.child.stdout.on("data", seen);
      void server.exited.then(() => reject(new Error(`exited before starting: ${server.errors()}`)));
    });
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');
    // A child under tsx migrating PGlite: on two busy cores start-up alone can take over 30 s.
  }, 90_000);

  it("refuses to start with bad configuration, naming every problem", async () => {
    const server = startServer({ PORT: "nope", APP_SECRET: "short" });
    expect(await server.exited).toBe(1);
    expect(server.errors()).toContain("PORT");
    expect(server.errors()).toContain("APP_SECRET");
    expect(server.errors()).toContain("ADMIN_TOKEN");
    await expect(server.listening).rejects.toThrow();
  });
});
