import { describe, expect, it } from "vitest";
import type { JobView } from "../../src/services/directory/job-view";
import { duration, HISTORY_SIZE, syncHistory } from "../../src/views/console/overview-charts";

const counts = (n: number): JobView["counts"] => ({
  departments: { created: n, updated: 0, moved: 0, deleted: 0 },
  members: { created: 0, updated: n, moved: 1, deprovisioned: 0 },
});

function job(id: number, state: JobView["state"], seconds: number | null): JobView {
  const created = Date.UTC(2026, 11, 1, 0, 0, id);
  return {
    id,
    state,
    initiator: "admin",
    progress: { phase: "done", done: 0, total: 0 },
    counts: counts(id),
    partial: false,
    createdAt: new Date(created).toISOString(),
    finishedAt: seconds === null ? null : new Date(created + seconds * 1000).toISOString(),
  };
}

describe("the sync history figure's data", () => {
  it("takes the newest finished jobs up to its size, oldest first, skipping unfinished ones", () => {
    // listJobs answers newest first: ids 30 down to 1, the newest still running.
    const jobs = Array.from({ length: 30 }, (_, i) =>
      job(30 - i, i === 0 ? "running" : i % 7 === 0 ? "failed" : "succeeded", i === 0 ? null : i),
    );
    const points = syncHistory(jobs);
    expect(points).toHaveLength(HISTORY_SIZE);
    expect(points.map((p) => p.id)).toEqual(Array.from({ length: HISTORY_SIZE }, (_, i) => 10 + i));
    expect(points.at(-1)).toEqual({ id: 29, state: "succeeded", finishedAt: jobs[1]!.finishedAt, seconds: 1, changes: 29 * 2 + 1 });
    expect(points.find((p) => p.id === 23)?.state).toBe("failed");
  });

  it("says how long in words of either language", () => {
    expect(duration(3.24)).toEqual({ zh: "3.2 秒", en: "3.2 s" });
    expect(duration(42)).toEqual({ zh: "42 秒", en: "42 s" });
    expect(duration(245)).toEqual({ zh: "4 分 5 秒", en: "4 min 5 s" });
    expect(duration(3720)).toEqual({ zh: "1 小时 2 分", en: "1 h 2 min" });
  });
});
