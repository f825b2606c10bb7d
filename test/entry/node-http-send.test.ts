import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { serve, type Http2Bindings, type HttpBindings } from "@hono/node-server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { wecomRateWindows, wecomTokens } from "../../src/db/schema";
import { nodeHttpSend } from "../../src/entry/node-http-send";
import type { CallRecord } from "../../src/emulator";
import { WecomRetryableError } from "../../src/wecom/api-error";
import { createWecomClient } from "../../src/wecom/client";
import { wecomStorage } from "../../src/services/wecom-storage";
import { fetchSend, HttpTrouble, type HttpSend } from "../../src/wecom/transport";
import { BINDING } from "../helpers/api";
import { testDeps, type TestDeps } from "../helpers/deps";
import { anyUserId, control, wecomCalls } from "../helpers/emulator";
import { openTestDb } from "../helpers/test-db";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
const creds = { corpId: BINDING.corpId, agentId: String(BINDING.agentId), secret: BINDING.secret };
const APP = {
  agentId: BINDING.agentId,
  secret: BINDING.secret,
  name: "Roster",
  allowPartys: [1],
  allowUsers: [],
  allowTags: [],
  close: 0,
  restricted: true,
};
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  opened = await openTestDb({ poolSize: 10 });
});
afterAll(async () => opened.close());
beforeEach(async () => {
  await opened.db.delete(wecomTokens);
  await opened.db.delete(wecomRateWindows);
  deps = testDeps(opened.db);
  await control(deps, "POST", "/_emulator/reset", {
    corpId: BINDING.corpId,
    org: { generate: { departments: 20, users: 200, seed: 7 } },
    apps: [APP],
  });
});
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** nodeHttpSend, closed after the test. */
function transport() {
  const http = nodeHttpSend();
  cleanups.push(http.close);
  return http;
}

/** The emulator on a real port, closed after the test. */
async function listening() {
  const server = await deps.emulator.listen(0);
  cleanups.push(() => server.close());
  return server;
}

/** Closes `server` (and its connections) after the test; answers where it listens. */
function closedAfterTest(server: Server): ReturnType<Server["address"]> {
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return server.address();
}

/** The emulator on a port of the test's own server, which tracks the TCP connections it accepts. */
async function countingServer() {
  const open = new Set<Socket>();
  let accepted = 0;
  const server = serve({
    fetch: (req: Request, env: HttpBindings | Http2Bindings) => deps.emulator.app.fetch(req, env),
    port: 0,
    hostname: "127.0.0.1",
  }) as Server;
  server.on("connection", (socket: Socket) => {
    accepted++;
    open.add(socket);
    socket.once("close", () => open.delete(socket));
  });
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once("listening", () => resolve())));
  const address = closedAfterTest(server);
  return {
    url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
    accepted: () => accepted,
    open: () => open.size,
  };
}

/** A bare node:http server answering every request with `answer`, for what the emulator cannot do. */
async function bareServer(answer: (res: ServerResponse, req: IncomingMessage) => void) {
  const server = createServer((req, res) => answer(res, req));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = closedAfterTest(server);
  return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
}

const BODY = Buffer.from('{"errcode":0,"name":"研发中心"}');
/** Headers and the body up to the middle of 研 (3 bytes in UTF-8). */
const halfAnswer = (res: ServerResponse) => {
  res.writeHead(200, { "content-type": "application/json", "content-length": String(BODY.length) });
  res.write(BODY.subarray(0, BODY.indexOf("研") + 1));
};

const client = (apiBase: string, send: HttpSend | undefined, extra: Partial<Parameters<typeof createWecomClient>[0]> = {}) =>
  createWecomClient({
    storage: wecomStorage(opened.db, deps.secrets),
    clock: deps.clock,
    logger: deps.logger,
    apiBase,
    ...(send ? { send } : { fetch: deps.emulator.fetch }),
    sleep: () => Promise.resolve(),
    ...extra,
  });

/** The reason a send rejected with, which must be an HttpTrouble. */
async function troubleOf(sent: Promise<unknown>): Promise<string> {
  const err = await sent.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HttpTrouble);
  return (err as HttpTrouble).reason;
}

const retryReasons = () => deps.logger.lines.filter((l) => l.msg === "wecom call retrying").map((l) => l.fields?.reason);

describe("nodeHttpSend against the emulator over HTTP", () => {
  it("lists departments and users with their Chinese names intact, as the in-process fetch does", async () => {
    // Big departments, so a user/list answer spans many socket reads and characters straddle them.
    await control(deps, "POST", "/_emulator/reset", {
      corpId: BINDING.corpId,
      org: { generate: { departments: 3, users: 3000, seed: 11 } },
      apps: [APP],
    });
    const server = await listening();
    const overHttp = client(server.url, transport().send).for(creds);
    const inProcess = client("https://wecom.test", undefined).for(creds);

    const departments = await overHttp.listDepartments();
    expect(departments).toEqual(await inProcess.listDepartments());
    expect(departments.map((d) => d.name)).toContain("模拟科技有限公司");
    let bytes = 0;
    for (const d of departments) {
      const users = await overHttp.listUsers(d.id);
      expect(users).toEqual(await inProcess.listUsers(d.id));
      bytes += Buffer.byteLength(JSON.stringify(users));
    }
    expect(bytes).toBeGreaterThan(256 * 1024);
    expect(retryReasons()).toEqual([]);
  });

  it("POSTs a JSON body that reaches the emulator whole, multi-byte characters included", async () => {
    const server = await listening();
    const api = client(server.url, transport().send).for(creds);
    const to = await anyUserId(api);
    const content = "你好，欢迎加入团队 🎉";
    expect(await api.sendMessage({ touser: [to, "NoSuchUser"], msgtype: "text", text: { content } })).toMatchObject({
      invalidUsers: ["nosuchuser"],
    });
    const { log } = (await control(deps, "GET", "/_emulator/calls")) as { log: CallRecord[] };
    const sent = log.filter((c) => c.api === "message/send");
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: "POST", body: { touser: `${to}|NoSuchUser`, msgtype: "text", text: { content } } });
  });

  it.each([
    ["a reset connection", { reset: true }, "network error"],
    ["a truncated body", { truncate: true }, "truncated or invalid JSON"],
    ["an HTTP 502", { http: 502 }, "HTTP 502"],
  ])("retries %s, then succeeds", async (_name, fault, reason) => {
    const server = await listening();
    await control(deps, "POST", "/_emulator/faults", { api: "department/list", times: 2, ...fault });
    expect(await client(server.url, transport().send).for(creds).listDepartments()).toHaveLength(20);
    expect((await wecomCalls(deps))["department/list"]).toBe(3);
    expect(retryReasons()).toEqual([reason, reason]);
  });

  it("reports a call slower than timeoutMs as a timeout and retries it", async () => {
    const server = await listening();
    const send = transport().send;
    await control(deps, "POST", "/_emulator/faults", { api: "department/get", delayMs: 500, times: 1 });
    expect(await client(server.url, send, { timeoutMs: 100 }).for(creds).getDepartment(1)).toMatchObject({ id: 1, parentid: 0 });
    expect((await wecomCalls(deps))["department/get"]).toBe(2);
    expect(retryReasons()).toEqual(["timeout"]);

    await control(deps, "POST", "/_emulator/faults", { api: "department/get", delayMs: 500, times: 1 });
    const err = await client(server.url, send, { timeoutMs: 100, maxAttempts: 1 })
      .for(creds)
      .getDepartment(1)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WecomRetryableError);
    expect(err).toMatchObject({ api: "department/get", reason: "timeout" });
  });

  it("keeps its connection alive across many sequential calls", async () => {
    const server = await countingServer();
    const api = client(server.url, transport().send).for(creds);
    for (let i = 0; i < 30; i++) await api.listDepartmentIds();
    expect((await wecomCalls(deps))["department/simplelist"]).toBe(30);
    expect(server.accepted()).toBeLessThanOrEqual(2);
  });

  it("close() ends its kept-alive sockets, so nothing holds the process open", async () => {
    const server = await countingServer();
    const http = nodeHttpSend();
    try {
      await client(server.url, http.send).for(creds).listDepartments();
      expect(server.open()).toBe(1);
    } finally {
      http.close();
    }
    // The server would keep an idle socket for its 5 s keep-alive timeout; close() must end it now.
    await vi.waitFor(() => expect(server.open()).toBe(0), { timeout: 1_000 });
  });

  it("decodes a character split across two socket reads", async () => {
    const url = await bareServer((res) => {
      halfAnswer(res);
      setTimeout(() => res.end(BODY.subarray(BODY.indexOf("研") + 1)), 50);
    });
    expect(await transport().send({ method: "GET", url, headers: {}, timeoutMs: 5_000 })).toEqual({
      status: 200,
      text: BODY.toString("utf8"),
    });
  });

  it("reports a connection dropped in the middle of the body as a reset while reading", async () => {
    const url = await bareServer((res) => {
      halfAnswer(res);
      setTimeout(() => res.destroy(), 20);
    });
    expect(await troubleOf(transport().send({ method: "GET", url, headers: {}, timeoutMs: 5_000 }))).toBe("connection reset while reading");
  });

  it("counts the body against the timeout, not only the headers", async () => {
    // The server never finishes its body: without the timeout on the body this would never settle.
    const url = await bareServer(halfAnswer);
    expect(await troubleOf(transport().send({ method: "GET", url, headers: {}, timeoutMs: 100 }))).toBe("timeout");
  });

  it.each(["PUT", "PATCH", "DELETE"] as const)("sends %s with its body (the bench's callers, bench/lib/node-fetch.ts)", async (method) => {
    const url = await bareServer((res, req) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => res.end(`${req.method} ${req.headers["content-type"]} ${Buffer.concat(chunks).toString("utf8")}`));
    });
    const body = '{"name":"研发中心"}';
    expect(await transport().send({ method, url, headers: { "content-type": "application/json" }, body, timeoutMs: 5_000 })).toEqual({
      status: 200,
      text: `${method} application/json ${body}`,
    });
  });

  it("answers a redirect as it is, without following it (webhooks: docs/webhooks.md#delivery)", async () => {
    const asked: string[] = [];
    const url = await bareServer((res, req) => {
      asked.push(req.url ?? "");
      res.writeHead(302, { location: "/elsewhere" }).end("moved");
    });
    expect(await transport().send({ method: "POST", url: `${url}/hook`, headers: {}, body: "{}", timeoutMs: 5_000 })).toEqual({
      status: 302,
      text: "moved",
    });
    expect(asked).toEqual(["/hook"]);
  });

  it("reports a refused connection as a network error", async () => {
    const server = await deps.emulator.listen(0);
    await server.close();
    expect(await troubleOf(transport().send({ method: "GET", url: `${server.url}/cgi-bin/gettoken`, headers: {}, timeoutMs: 1_000 }))).toBe(
      "network error",
    );
  });
});

describe("fetchSend", () => {
  const exchange = {
    method: "POST" as const,
    url: "https://wecom.test/cgi-bin/message/send",
    headers: { "content-type": "application/json" },
    body: "{}",
    timeoutMs: 20,
  };

  it("passes the exchange to fetch and answers status and text", async () => {
    const calls: [string, RequestInit][] = [];
    const f = (input: string, init: RequestInit) => {
      calls.push([input, init]);
      return Promise.resolve(new Response("<html>502</html>", { status: 502 }));
    };
    expect(await fetchSend(f as typeof fetch)(exchange)).toEqual({ status: 502, text: "<html>502</html>" });
    expect(calls).toEqual([
      [exchange.url, { method: "POST", headers: exchange.headers, body: "{}", signal: expect.any(AbortSignal) as unknown }],
    ]);
  });

  it("reports fetch's own timeout as a timeout", async () => {
    const hang = (_input: string, init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        const signal = init.signal!;
        signal.addEventListener("abort", () => reject(signal.reason as Error));
      });
    expect(await troubleOf(fetchSend(hang as typeof fetch)(exchange))).toBe("timeout");
  });

  it.each([
    ["an AbortError", "timeout", new DOMException("aborted", "AbortError")],
    ["a TypeError", "network error", new TypeError("fetch failed")],
  ])("maps %s thrown by fetch to %s", async (_name, reason, thrown) => {
    const f = () => Promise.reject(thrown);
    expect(await troubleOf(fetchSend(f as typeof fetch)(exchange))).toBe(reason);
  });

  it("reports a body that fails while read as a connection reset", async () => {
    const broken = new ReadableStream({ start: (c) => c.error(new TypeError("terminated")) });
    const f = () => Promise.resolve(new Response(broken, { status: 200 }));
    expect(await troubleOf(fetchSend(f as typeof fetch)(exchange))).toBe("connection reset while reading");
  });
});
