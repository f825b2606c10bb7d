// callback-badsig: what an unauthenticated caller can make the callback endpoint spend. Callbacks
// with a fresh timestamp but a wrong signature, once tiny and once 60 KB (many elements around a
// large <Encrypt>: the shape that costs an XML parser most), against the real Node service on
// PostgreSQL. Reports, for each size, the median latency of one request at a time (loopback: about
// the server's time) and the server's CPU per request; then the p99 of GET /healthz, one at a
// time, while 4 clients flood the endpoint with the 60 KB kind, and the same p99 with no flood.
// Goals (informational, never asserted): 60 KB median ≤ 2 × tiny; /healthz p99 under flood ≤ 20 ms.
// The run fails only if a bad callback is not refused with 401, /healthz fails, or the server exits uncleanly.
//
//   npm run bench callback-badsig
import { randomBytes } from "node:crypto";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { toQueryString } from "../test/helpers/wecom-envelope";
import { freePort, startServer, type ServerChild } from "./lib/child";
import { keepAliveAgent, runLoad, type PreparedRequest } from "./lib/load";
import { machine, ms, table } from "./lib/report";
import { scratchRun } from "./lib/scratch";
import { startFakeWecom } from "./lib/fake-wecom";
import { serviceScript } from "./lib/service-script";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SLUG = "bench";
const BINDING = {
  corpId: "wwbench0000000001",
  agentId: 1000002,
  secret: "bench-App-Secret-0123456789abcdefghijkl",
  token: "benchToken0123456789abcdefABCDEF",
  encodingAesKey: "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
};
const WARMUP = 300;
const SERIAL = 2_000;
const FLOOD_CLIENTS = 4;
const FLOOD_MS = 10_000;
const GOAL_RATIO = 2;
const GOAL_HEALTH_P99_MS = 20;

/** A wrong signature over a fresh timestamp: refused only once the team's token has been used. */
function badSigned(body: string): PreparedRequest {
  const query = {
    msg_signature: randomBytes(20).toString("hex"),
    timestamp: String(Math.floor(Date.now() / 1000)),
    nonce: String(Math.floor(Math.random() * 1e9)),
  };
  return { path: `/wecom/${SLUG}/callback?${toQueryString(query)}`, body: Buffer.from(body) };
}

function tinyBody(): string {
  return `<xml><ToUserName><![CDATA[${BINDING.corpId}]]></ToUserName><Encrypt><![CDATA[${randomBytes(96).toString("base64")}]]></Encrypt><AgentID><![CDATA[${BINDING.agentId}]]></AgentID></xml>`;
}

/** 60 KB (under the 64 KiB cap): 40 KB of small elements, then a 20 KB <Encrypt>. */
function bigBody(): string {
  const filler = "<P><Q>x</Q></P>".repeat(Math.floor(40_000 / 15));
  const body = `<xml><ToUserName><![CDATA[${BINDING.corpId}]]></ToUserName>${filler}<Encrypt><![CDATA[${randomBytes(15_000).toString("base64")}]]></Encrypt></xml>`;
  return body.padEnd(60_000, " ");
}

function request(
  agent: http.Agent,
  port: number,
  method: "GET" | "POST",
  path: string,
  body?: Buffer,
): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      { host: "127.0.0.1", port, method, path, agent, headers: body ? { "content-type": "text/xml", "content-length": body.length } : {} },
      (res) => {
        res.resume();
        res.once("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
      },
    );
    req.once("error", () => resolve({ status: 0, ms: performance.now() - t0 }));
    req.end(body);
  });
}

const percentile = (values: number[], q: number) => {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
};

interface Serial {
  median: number;
  p99: number;
  cpuUsPerRequest: number | undefined;
  statuses: Set<number>;
}

/** One request at a time: latency is about server time; CPU from /proc for the server process. */
async function serial(server: ServerChild, make: () => string): Promise<Serial> {
  const agent = keepAliveAgent(1);
  try {
    const statuses = new Set<number>();
    for (let i = 0; i < WARMUP; i++) {
      const r = badSigned(make());
      statuses.add((await request(agent, server.port, "POST", r.path, r.body)).status);
    }
    const bodies = Array.from({ length: SERIAL }, () => badSigned(make()));
    const cpu0 = server.cpuSeconds();
    const latencies: number[] = [];
    for (const r of bodies) {
      const res = await request(agent, server.port, "POST", r.path, r.body);
      statuses.add(res.status);
      latencies.push(res.ms);
    }
    const cpu1 = server.cpuSeconds();
    return {
      median: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      cpuUsPerRequest: cpu0 === undefined || cpu1 === undefined ? undefined : ((cpu1 - cpu0) / SERIAL) * 1e6,
      statuses,
    };
  } finally {
    agent.destroy();
  }
}

/** GET /healthz one at a time until `until` resolves. */
async function probeHealth(port: number, until: Promise<unknown>): Promise<{ latencies: number[]; failures: number }> {
  const agent = keepAliveAgent(1);
  let done = false;
  void until.then(() => (done = true));
  const latencies: number[] = [];
  let failures = 0;
  try {
    while (!done) {
      const res = await request(agent, port, "GET", "/healthz");
      if (res.status === 200) latencies.push(res.ms);
      else failures++;
    }
  } finally {
    agent.destroy();
  }
  return { latencies, failures };
}

export async function run(): Promise<boolean> {
  const running: ServerChild[] = [];
  const scratch = scratchRun(async () => {
    for (const child of running) await child.stop();
  });
  const { dbName, dbUrl, logDir, admin } = scratch;
  return scratch.execute(async () => {
    const [version] = await admin<{ server_version: string }[]>`show server_version`;
    await admin.unsafe(`create database ${dbName}`);
    const built = await serviceScript(ROOT);
    const wecom = await startFakeWecom(BINDING);
    const port = await freePort();
    const adminToken = randomBytes(16).toString("hex");
    try {
      const server = await startServer({
        name: "service",
        script: built.script,
        cwd: ROOT,
        env: {
          PORT: String(port),
          DATABASE_URL: dbUrl.toString(),
          APP_SECRET: randomBytes(24).toString("hex"),
          ADMIN_TOKEN: adminToken,
          PUBLIC_URL: `http://127.0.0.1:${port}`,
          WECOM_API_BASE: wecom.base,
        },
        logDir,
      });
      running.push(server);
      // Binding checks the credentials live: against the fake WeCom of bench/lib.
      const headers = { authorization: `Bearer ${adminToken}`, "content-type": "application/json" };
      const base = `http://127.0.0.1:${port}`;
      if (
        (await fetch(`${base}/api/teams`, { method: "POST", headers, body: JSON.stringify({ slug: SLUG, name: "Bench" }) })).status !== 201
      )
        throw new Error("POST /api/teams failed");
      const bound = await fetch(`${base}/api/teams/${SLUG}/wecom`, { method: "PUT", headers, body: JSON.stringify(BINDING) });
      if (bound.status !== 200) throw new Error(`PUT wecom: ${bound.status} ${await bound.text()}`);
    } finally {
      await wecom.close();
    }
    const server = running[running.length - 1]!;
    console.log(`service: ${built.label}`);
    console.log(`bodies: tiny ${tinyBody().length} B, big ${bigBody().length} B`);

    const tiny = await serial(server, tinyBody);
    const big = await serial(server, bigBody);

    const idle = await probeHealth(server.port, new Promise((r) => setTimeout(r, 3_000)));
    const floodAgent = keepAliveAgent(FLOOD_CLIENTS);
    const floodBodies = Array.from({ length: 200 }, () => badSigned(bigBody()));
    const flood = runLoad({
      port: server.port,
      agent: floodAgent,
      concurrency: FLOOD_CLIENTS,
      take: (n) => floodBodies[n % floodBodies.length],
      durationMs: FLOOD_MS,
    });
    const loaded = await probeHealth(server.port, flood);
    const flooded = await flood;
    floodAgent.destroy();
    const floodRps = flooded.sent / (flooded.elapsedMs / 1000);

    const ratio = big.median / tiny.median;
    const healthP99 = percentile(loaded.latencies, 0.99);
    console.log("");
    console.log(
      table(
        ["bad-signature callback", "median ms", "p99 ms", "server CPU µs/request", "answers"],
        [
          [
            "tiny",
            ms(tiny.median),
            ms(tiny.p99),
            tiny.cpuUsPerRequest === undefined ? "?" : tiny.cpuUsPerRequest.toFixed(0),
            [...tiny.statuses].join(","),
          ],
          [
            "60 KB",
            ms(big.median),
            ms(big.p99),
            big.cpuUsPerRequest === undefined ? "?" : big.cpuUsPerRequest.toFixed(0),
            [...big.statuses].join(","),
          ],
        ],
        [false, true, true, true, false],
      ),
    );
    console.log("");
    console.log(
      `/healthz one at a time: idle p50 ${ms(percentile(idle.latencies, 0.5))} ms, p99 ${ms(percentile(idle.latencies, 0.99))} ms (${idle.latencies.length} probes)`,
    );
    console.log(
      `/healthz during a flood of 60 KB bad-signature callbacks from ${FLOOD_CLIENTS} clients (${floodRps.toFixed(0)} req/s refused): ` +
        `p50 ${ms(percentile(loaded.latencies, 0.5))} ms, p99 ${ms(healthP99)} ms, max ${ms(percentile(loaded.latencies, 1))} ms (${loaded.latencies.length} probes)`,
    );
    console.log(
      `Goals: 60 KB median ≤ ${GOAL_RATIO} × tiny: ${ratio <= GOAL_RATIO ? "met" : "NOT met"} (${ratio.toFixed(2)} ×); /healthz p99 ≤ ${GOAL_HEALTH_P99_MS} ms under flood: ${healthP99 <= GOAL_HEALTH_P99_MS ? "met" : "NOT met"}`,
    );
    console.log(`Machine: ${machine([`PostgreSQL ${version?.server_version ?? "?"}`])}`);

    const failures: string[] = [];
    for (const [name, s] of [
      ["tiny", tiny],
      ["60 KB", big],
    ] as const)
      if ([...s.statuses].some((st) => st !== 401)) failures.push(`${name}: answers ${[...s.statuses].join(",")}, expected 401 only`);
    if (idle.failures + loaded.failures > 0) failures.push(`/healthz failed ${idle.failures + loaded.failures} times`);
    const exit = await server.stop();
    running.pop();
    if (exit.code !== 0) failures.push(`service exited with ${exit.code ?? exit.signal}`);
    return failures;
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = (await run()) ? 0 : 1;
