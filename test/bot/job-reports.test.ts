import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { reportJob } from "../../src/bot/job-reports";
import { addWatcher } from "../../src/db/queries/bot-jobs";
import { jobById } from "../../src/db/queries/sync-jobs";
import type { JobRow } from "../../src/db/queries/sync-jobs";
import type { TestDeps } from "../helpers/deps";
import { startJob } from "../helpers/sync-scenarios";
import { botWorld, clearSent, sent, textsTo } from "./helpers";

let close: () => Promise<void>;
let deps: TestDeps;
let teamId: number;
let admin: string;
let job: JobRow;

beforeAll(async () => {
  let users: string[];
  ({ deps, teamId, users, close } = await botWorld());
  admin = users[0]!;
  job = (await jobById(deps.db, { jobId: await startJob(deps, "acme") }))!;
  await addWatcher(deps.db, { jobId: job.id, teamId, userId: admin, lang: "en", verb: "sync", percent: 0, now: deps.clock.now() });
});
afterAll(async () => close());
beforeEach(async () => clearSent(deps));

/** The job as the runner would see it after a step in the members phase (8 departments). */
const atDepartment = (done: number): JobRow => ({ ...job, state: "running", phase: "members", done, total: 8 });

describe("progress reports: at most every 25 percentage points or 30 s", () => {
  it("holds back small steps until 30 s passed, lets a 25-point jump through at once, reports each step once", async () => {
    await reportJob(deps, atDepartment(1)); // 10 %
    expect(await textsTo(deps, admin)).toEqual([]);
    deps.clock.advance(29_000);
    await reportJob(deps, atDepartment(1));
    expect(await textsTo(deps, admin)).toEqual([]);
    deps.clock.advance(1_000);
    await reportJob(deps, atDepartment(1));
    await reportJob(deps, atDepartment(1));
    expect(await textsTo(deps, admin)).toEqual([`Sync in progress: #${job.id} running · reading members 10%`]);
    deps.clock.advance(60_000);
    await reportJob(deps, atDepartment(1)); // no progress since: nothing to say however long it took
    await reportJob(deps, atDepartment(7)); // 44 %: ≥ 25 points
    await reportJob(deps, atDepartment(8)); // 50 %: only 6 points, 0 s
    expect(await textsTo(deps, admin)).toEqual([
      `Sync in progress: #${job.id} running · reading members 10%`,
      `Sync in progress: #${job.id} running · reading members 44%`,
    ]);
  });

  it("the summary goes out once, with counts and the progress link; nothing after it", async () => {
    const done: JobRow = {
      ...job,
      state: "succeeded",
      phase: "done",
      counts: {
        departments: { created: 0, updated: 2, moved: 0, deleted: 0 },
        members: { created: 3, updated: 0, moved: 0, deprovisioned: 1 },
      },
    };
    await reportJob(deps, done);
    await reportJob(deps, done);
    await reportJob(deps, atDepartment(8));
    const texts = await textsTo(deps, admin);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(
      new RegExp(
        `^Sync finished \\(#${job.id}\\): Departments updated 2, Members created 3, Members deprovisioned 1\\.\\nDetails: https://roster\\.example\\.com/teams/acme/jobs/${job.id}\\?t=`,
      ),
    );
  });

  it("a breaker stop sends the admins one card however often the job is looked at", async () => {
    const waiting: JobRow = {
      ...job,
      id: job.id,
      state: "needs_confirmation",
      cursor: { breaker: { deprovisions: 9, threshold: 4, active: 20 } },
    };
    await reportJob(deps, waiting);
    await reportJob(deps, waiting);
    const cards = (await sent(deps)).filter((m) => m.msgtype === "template_card");
    expect(cards).toHaveLength(1);
    expect(cards[0]!.touser).toEqual([admin]);
    expect(cards[0]!.body.template_card).toMatchObject({
      card_type: "button_interaction",
      main_title: { title: "确认离职处理 9 名成员？" },
    });
  });
});
