// The WeCom emulator and the real service, each in a Node process of its own, with one team bound
// to the emulator's default app and the emulator pushing its contact callbacks to that team.
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { EMULATOR_BINDING as BINDING } from "./env";
import { freePort, startServer, type ServerChild } from "./child";
import { jsonRequest } from "./json-http";
import { cpuSecondsByName, selfCpuSeconds, systemCpu } from "./proc";
import { serviceScript } from "./service-script";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** user/list pages read once before anything is timed, so no run pays for the emulator's JIT. */
const WARMUP_PAGES = 50;

export const STACK_SLUG = "bench";

export interface Stack {
  emu: string;
  svc: string;
  adminToken: string;
  teamId: number;
  service: ServerChild;
  emulator: ServerChild;
  serviceLabel: string;
  /** The scratch database, for the checks. */
  sql: postgres.Sql;
  dbName: string;
}

export interface StackOptions {
  org: { departments: number; users: number; seed: number };
  dbUrl: string;
  logDir: string;
  /** Every child started is added here at once, so a failure later still stops it. */
  running: ServerChild[];
  /** Node flags for both children (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** More of the service's environment (its WeCom budget, WEBHOOK_ALLOW_PRIVATE for a receiver on loopback). */
  serviceEnv?: Record<string, string>;
}

export async function startStack(o: StackOptions): Promise<Stack> {
  const emulator = await startEmulator(o);
  const emu = `http://127.0.0.1:${emulator.port}`;
  await warmEmulator(emu, o.org.departments);
  const { service, adminToken, label } = await startService(o, emu);
  const svc = `http://127.0.0.1:${service.port}`;
  await jsonRequest(svc, "POST", "/api/teams", { token: adminToken, body: { slug: STACK_SLUG, name: "Bench 团队" } });
  await jsonRequest(svc, "PUT", `/api/teams/${STACK_SLUG}/wecom`, { token: adminToken, body: BINDING });
  await jsonRequest(emu, "PUT", "/_emulator/callback", {
    body: { url: `${svc}/wecom/${STACK_SLUG}/callback`, token: BINDING.token, encodingAesKey: BINDING.encodingAesKey },
  });
  await jsonRequest(emu, "DELETE", "/_emulator/calls");
  const sql = postgres(o.dbUrl, { max: 2, onnotice: () => {} });
  const [team] = await sql<{ id: number }[]>`select id::int as id from teams where slug = ${STACK_SLUG}`;
  if (!team) throw new Error(`team ${STACK_SLUG} was not created`);
  return { emu, svc, adminToken, teamId: team.id, service, emulator, serviceLabel: label, sql, dbName: new URL(o.dbUrl).pathname.slice(1) };
}

async function startEmulator(o: StackOptions): Promise<ServerChild> {
  const emulator = await startServer({
    name: "emulator",
    script: "bench/lib/emulator-server.ts",
    cwd: ROOT,
    env: {
      PORT: String(await freePort()),
      BENCH_EMU_DEPARTMENTS: String(o.org.departments),
      BENCH_EMU_USERS: String(o.org.users),
      BENCH_EMU_SEED: String(o.org.seed),
    },
    logDir: o.logDir,
    nodeArgs: o.nodeArgs,
  });
  o.running.push(emulator);
  return emulator;
}

async function warmEmulator(emu: string, departments: number): Promise<void> {
  const q = new URLSearchParams({ corpid: BINDING.corpId, corpsecret: BINDING.secret });
  const { access_token: token } = await jsonRequest<{ access_token: string }>(emu, "GET", `/cgi-bin/gettoken?${q.toString()}`);
  for (let id = departments; id > Math.max(0, departments - WARMUP_PAGES); id--) {
    await jsonRequest(emu, "GET", `/cgi-bin/user/list?access_token=${token}&department_id=${id}`);
  }
}

async function startService(o: StackOptions, emu: string): Promise<{ service: ServerChild; adminToken: string; label: string }> {
  const built = await serviceScript(ROOT);
  const port = await freePort();
  const adminToken = randomBytes(16).toString("hex");
  const service = await startServer({
    name: "service",
    script: built.script,
    cwd: ROOT,
    env: {
      PORT: String(port),
      DATABASE_URL: o.dbUrl,
      APP_SECRET: randomBytes(24).toString("hex"),
      ADMIN_TOKEN: adminToken,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      WECOM_API_BASE: emu,
      WECOM_OAUTH_BASE: emu,
      // The hourly reconcile (minute 0) would start a job of its own in the middle of a run that
      // crosses the hour; once a year keeps it out of the measurement.
      RECONCILE_CRON: "0 3 1 1 *",
      ...o.serviceEnv,
    },
    logDir: o.logDir,
    nodeArgs: o.nodeArgs,
  });
  o.running.push(service);
  return { service, adminToken, label: built.label };
}

/** Stops the service, then the emulator; both must exit 0. Answers what went wrong. */
export async function stopStack(stack: Stack, running: ServerChild[]): Promise<string[]> {
  const problems: string[] = [];
  await stack.sql.end();
  for (const child of [stack.service, stack.emulator]) {
    const exit = await child.stop();
    running.splice(running.indexOf(child), 1);
    if (exit.code !== 0) problems.push(`${child.name} exited with ${exit.code ?? exit.signal} instead of 0`);
  }
  return problems;
}

/**
 * Where the machine's CPU went, in seconds: the service, the scratch database's PostgreSQL backends
 * (not other people's databases on a shared server), the emulator, this bench process (its load
 * generator or receiver) and the whole machine (`busy`, every core). Read before and after a run
 * and subtract with stackCpuSince.
 */
export interface StackCpu {
  service: number;
  postgres: number;
  emulator: number;
  bench: number;
  busy: number;
}

export function stackCpu(stack: Stack): StackCpu {
  return {
    service: stack.service.cpuSeconds() ?? Number.NaN,
    postgres: cpuSecondsByName("postgres", stack.dbName) ?? Number.NaN,
    emulator: stack.emulator.cpuSeconds() ?? Number.NaN,
    bench: selfCpuSeconds(),
    busy: systemCpu()?.busy ?? Number.NaN,
  };
}

export const stackCpuSince = (a: StackCpu, b: StackCpu): StackCpu => ({
  service: b.service - a.service,
  postgres: b.postgres - a.postgres,
  emulator: b.emulator - a.emulator,
  bench: b.bench - a.bench,
  busy: b.busy - a.busy,
});
