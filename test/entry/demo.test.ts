import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, portIsFree } from "../helpers/ports";

// `npm run demo` as a person runs it (npm → node), in a data directory of its own, on free ports.
const dataDir = mkdtempSync(join(tmpdir(), "wr-demo-"));
const running = new Set<ReturnType<typeof spawn>>();
afterAll(() => {
  for (const child of running) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

function startDemo(ports: { service: number; emulator: number }) {
  const child = spawn("npm", ["run", "--silent", "demo"], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(ports.service),
      EMULATOR_PORT: String(ports.emulator),
      DATA_DIR: dataDir,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => (running.delete(child), resolve(code))));
  // The printout ends with how to stop it: everything is up by then.
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", () => {
      if (out.includes("Ctrl-C")) resolve(out.slice(out.indexOf("wecom-roster 演示 demo")));
    });
    void exited.then((code) => reject(new Error(`demo exited (${code}) before it was ready: ${err.slice(-2000)}`)));
  });
  return { child, ready, exited };
}

const suggested = (printout: string) => /发送「授权 (\S+)」/.exec(printout)?.[1];

describe("npm run demo", () => {
  it("stops everything it started on SIGTERM and on Ctrl-C, a restart finds the same company, chat and no ghost, and an old data directory is set aside", async () => {
    const ports = { service: await freePort(), emulator: await freePort() };
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`http://127.0.0.1:${ports.service}${path}`, {
        ...init,
        headers: { authorization: "Bearer demo-admin-token", "content-type": "application/json" },
      });

    const first = startDemo(ports);
    const printout = await first.ready;
    expect(printout).toContain("新的演示企业 A new demo company");
    const colleague = suggested(printout)!;
    expect(colleague).toBeDefined();
    // The colleague is invited before the restart: the next printout must name someone else.
    expect((await api("/api/teams/demo/authorize", { method: "POST", body: JSON.stringify({ wecomUserIds: [colleague] }) })).status).toBe(
      200,
    );
    const chat = ((await (await fetch(`http://127.0.0.1:${ports.emulator}/_emulator/messages`)).json()) as { messages: unknown[] }).messages
      .length;
    expect(chat).toBeGreaterThan(0);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(await portIsFree(ports.service)).toBe(true);
    expect(await portIsFree(ports.emulator)).toBe(true);

    const second = startDemo(ports);
    const again = await second.ready;
    expect(again).toContain("沿用上次的组织和聊天记录");
    // The newcomer the first run added to WeCom is still there: the import changed nobody.
    expect(again).toMatch(/导入 Import: +succeeded \{"members":\{"moved":0,"created":0,"updated":0,"deprovisioned":0\}/);
    const locked = (await (await api("/api/teams/demo/members?status=locked&limit=1")).json()) as { total: number };
    expect(locked.total).toBe(0);
    expect(suggested(again)).not.toBe(colleague);
    const kept = ((await (await fetch(`http://127.0.0.1:${ports.emulator}/_emulator/messages`)).json()) as { messages: unknown[] }).messages
      .length;
    expect(kept).toBeGreaterThanOrEqual(chat);
    // Ctrl-C: the same stop through SIGINT, which arrives twice (the terminal's, and npm's forwarding).
    second.child.kill("SIGINT");
    second.child.kill("SIGINT");
    expect(await second.exited).toBe(0);
    expect(await portIsFree(ports.service)).toBe(true);
    expect(await portIsFree(ports.emulator)).toBe(true);

    // A data directory from before the snapshot: the demo starts clean and says where the old one went.
    rmSync(join(dataDir, "emulator.json"));
    const third = startDemo(ports);
    const clean = await third.ready;
    const aside = /was moved to: (\S+)/.exec(clean)?.[1];
    expect(aside).toBe(
      readdirSync(tmpdir())
        .map((d) => join(tmpdir(), d))
        .find((d) => d.startsWith(`${dataDir}.old-`)),
    );
    expect(existsSync(join(aside!, "PG_VERSION"))).toBe(true);
    expect(clean).toContain("新的演示企业 A new demo company");
    expect((await (await api("/api/teams/demo/members?status=locked&limit=1")).json()) as { total: number }).toMatchObject({ total: 0 });
    third.child.kill("SIGTERM");
    expect(await third.exited).toBe(0);
    rmSync(aside!, { recursive: true, force: true });
  }, 180_000);
});
