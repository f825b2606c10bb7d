import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pinoLogger } from "../../src/entry/pino-logger";
import { jsonLogger, type Logger } from "../../src/logger";
import { apiClient, BINDING, boundTeam } from "../helpers/api";
import { postCallback, textXml } from "../helpers/callbacks";
import { TEST_ENV, testDeps, type TestDeps } from "../helpers/deps";
import { syncNow } from "../helpers/sync";
import { openTestDb } from "../helpers/test-db";

let opened: Awaited<ReturnType<typeof openTestDb>>;
beforeAll(async () => {
  opened = await openTestDb();
});
afterAll(async () => opened.close());

/** Every secret the service holds in these tests. */
const SECRETS = [TEST_ENV.APP_SECRET, TEST_ENV.ADMIN_TOKEN, BINDING.secret, BINDING.token, BINDING.encodingAesKey];

type Line = Record<string, unknown> & { level: string; time: string; msg: string };

function captured(make: (write: (line: string) => void) => Logger): { logger: Logger; text: () => string; lines: () => Line[] } {
  let out = "";
  const logger = make((line) => (out += line.endsWith("\n") ? line : `${line}\n`));
  return {
    logger,
    text: () => out,
    lines: () =>
      out
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Line),
  };
}

const LOGGERS: [string, (write: (line: string) => void) => Logger][] = [
  ["pino (Node)", (write) => pinoLogger({ destination: { write }, level: "debug" })],
  ["jsonLogger (Workers)", (write) => jsonLogger(write, "debug")],
];

describe.each(LOGGERS)("%s", (_name, make) => {
  it("writes one JSON object per line with level, time and msg, and redacts secret-named fields at any depth", () => {
    const log = captured(make);
    log.logger.warn("something happened", {
      teamId: 7,
      secret: BINDING.secret,
      nested: { encodingAesKey: BINDING.encodingAesKey, list: [{ token: BINDING.token }] },
      error: new Error("boom"),
    });
    const [line] = log.lines();
    expect(line).toMatchObject({
      level: "warn",
      msg: "something happened",
      teamId: 7,
      secret: "[redacted]",
      error: { name: "Error", message: "boom" },
    });
    expect(new Date(line!.time).toISOString()).toBe(line!.time);
    for (const s of SECRETS) expect(log.text()).not.toContain(s);
  });

  it("through the app: request lines carry the X-Request-Id, job lines their team and job, callback lines their inbox row; no secret anywhere", async () => {
    const log = captured(make);
    const base = testDeps(opened.db);
    const deps = { ...base, logger: log.logger } as unknown as TestDeps;
    const slug = `logs-${_name.startsWith("pino") ? "pino" : "json"}`;
    await boundTeam(deps, slug);

    const refused = await postCallback(deps, slug, textXml(deps), { timestamp: "1" });
    expect(refused.status).toBe(401);
    const requestId = refused.headers.get("x-request-id");
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(log.lines().find((l) => l.msg === "callback rejected")).toMatchObject({ requestId, code: "stale_timestamp" });

    // A caller's own id is kept, so a proxy's id follows the request through.
    const own = await apiClient(deps).request("/healthz", { headers: { "x-request-id": "edge-1234" } });
    expect(own.headers.get("x-request-id")).toBe("edge-1234");

    const job = await syncNow(deps, slug);
    expect(job.state).toBe("succeeded");
    const claimed = log.lines().find((l) => l.msg === "sync job claimed");
    expect(claimed).toMatchObject({ jobId: job.id, teamId: expect.any(Number) as number, requestId: expect.any(String) as string });

    await chatFromOutsider(deps, slug);
    const handled = log.lines().filter((l) => typeof l.inboxId === "number");
    expect(handled.length).toBeGreaterThan(0);
    for (const l of handled) expect(l.teamId).toEqual(expect.any(Number));

    expect(log.lines().length).toBeGreaterThan(3);
    for (const s of SECRETS) expect(log.text()).not.toContain(s);
  });
});

/** A callback whose handling logs: a chat message from someone who is not an admin is answered and logged. */
async function chatFromOutsider(deps: TestDeps, slug: string): Promise<void> {
  expect((await postCallback(deps, slug, textXml(deps, "帮助", "NotAnAdmin"))).status).toBe(200);
  await deps.deferred.flush();
}
