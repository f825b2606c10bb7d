import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callbackInbox } from "../../../src/db/schema";
import type { InboxStatus } from "../../../src/db/schema";
import { schedule } from "../../../src/jobs/schedule";
import { INBOX_DEAD_KEEP_DAYS, INBOX_KEEP_DAYS } from "../../../src/services/callbacks/prune-inbox";
import { boundTeam } from "../../helpers/api";
import { inboxRows, postCallback, textXml } from "../../helpers/callbacks";
import { FakeClock, testDeps, type TestDeps } from "../../helpers/deps";
import { openTestDb } from "../../helpers/test-db";

// The inbox's retention (docs/operations.md#callback-inbox-retention), run as the hourly housekeeping runs it.

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
const DAY = 24 * 3_600_000;

beforeAll(async () => {
  opened = await openTestDb();
  deps = testDeps(opened.db, { handlers: {}, clock: new FakeClock() });
  await boundTeam(deps, "acme");
});
afterAll(async () => opened.close());

const housekeeping = () => schedule.find((w) => w.name === "housekeeping")!.run(deps);

/** Stores a callback per content through the endpoint; answers the contents' row ids. */
async function store(contents: string[]): Promise<Map<string, number>> {
  for (const content of contents) expect((await postCallback(deps, "acme", textXml(deps, content))).status).toBe(200);
  deps.deferred.queue.length = 0;
  const rows = await inboxRows(opened.db);
  return new Map(contents.map((c) => [c, rows.find((r) => r.payload.includes(`[${c}]`))!.id]));
}

async function finish(ids: number[], status: InboxStatus, finishedAt: Date | null): Promise<void> {
  await opened.db.update(callbackInbox).set({ status, finishedAt }).where(inArray(callbackInbox.id, ids));
}

describe("the callback inbox's retention", () => {
  it(`drops handled and ignored rows after ${INBOX_KEEP_DAYS} days and dead letters after ${INBOX_DEAD_KEEP_DAYS}, keeps live and parked rows however old`, async () => {
    const start = deps.clock.now().getTime();
    const ids = await store(["handled", "ignored", "dead-recent", "dead-old", "pending", "claimed", "parked", "handled-late"]);
    deps.clock.set(new Date(start + INBOX_DEAD_KEEP_DAYS * DAY + DAY));
    const now = deps.clock.now().getTime();
    const ago = (days: number) => new Date(now - days * DAY);
    await finish([ids.get("handled")!], "processed", ago(INBOX_KEEP_DAYS + 1));
    await finish([ids.get("ignored")!], "ignored", ago(INBOX_KEEP_DAYS + 1));
    await finish([ids.get("handled-late")!], "processed", ago(INBOX_KEEP_DAYS - 1));
    await finish([ids.get("dead-recent")!], "dead", ago(INBOX_KEEP_DAYS + 1));
    await finish([ids.get("dead-old")!], "dead", ago(INBOX_DEAD_KEEP_DAYS + 1));
    await finish([ids.get("claimed")!], "processing", null);
    await finish([ids.get("parked")!], "waiting", null);

    await housekeeping();
    const kept = (await inboxRows(opened.db)).map((r) => [...ids].find(([, id]) => id === r.id)![0]);
    expect(kept).toEqual(["dead-recent", "pending", "claimed", "parked", "handled-late"]);
    expect(deps.logger.lines).toContainEqual(expect.objectContaining({ msg: "callback inbox pruned", fields: { rows: 3 } }));

    await housekeeping();
    expect(await inboxRows(opened.db)).toHaveLength(5);
  });

  it("a pruned callback delivered again is refused as stale and stores nothing", async () => {
    await opened.db.delete(callbackInbox);
    const sentAt = deps.clock.unixSeconds();
    const xml = textXml(deps, "once");
    expect((await postCallback(deps, "acme", xml, { timestamp: sentAt, nonce: "17" })).status).toBe(200);
    deps.deferred.queue.length = 0;
    const [row] = await inboxRows(opened.db);
    await finish([row!.id], "processed", deps.clock.now());
    deps.clock.advance((INBOX_KEEP_DAYS + 1) * DAY);
    await housekeeping();
    expect(await inboxRows(opened.db)).toHaveLength(0);

    const again = await postCallback(deps, "acme", xml, { timestamp: sentAt, nonce: "17" });
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ error: { code: "stale_timestamp" } });
    expect(await opened.db.select().from(callbackInbox).where(eq(callbackInbox.teamId, row!.teamId))).toHaveLength(0);
  });
});
