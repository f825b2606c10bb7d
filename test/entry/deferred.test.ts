import { describe, expect, it } from "vitest";
import { deferQueue } from "../../src/entry/deferred";
import { memoryLogger } from "../helpers/deps";

describe("deferQueue", () => {
  it("drains every task, including ones queued while draining, and logs failures", async () => {
    const logger = memoryLogger();
    const { defer, drain } = deferQueue(logger);
    const done: string[] = [];
    defer(async () => {
      await new Promise((r) => setTimeout(r, 30));
      done.push("slow");
      defer(async () => {
        await Promise.resolve();
        done.push("follow-up");
      });
    });
    defer(() => Promise.reject(new Error("boom")));
    await drain();
    expect(done).toEqual(["slow", "follow-up"]);
    expect(logger.lines).toEqual([{ level: "error", msg: "deferred task failed", fields: { error: expect.any(Error) as unknown } }]);
  });
});
