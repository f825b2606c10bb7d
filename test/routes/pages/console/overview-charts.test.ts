import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { members } from "../../../../src/db/schema";
import { control } from "../../../helpers/emulator";
import { apiClient } from "../../../helpers/api";
import { CookieJar, PASSWORD } from "../../../services/accounts/helpers";
import { consoleWorld, pageHtml, person, submit, textOf, type ConsoleWorld } from "./helpers";

let w: ConsoleWorld;
/** The ids of the three finished syncs: the import, a slow re-sync, one WeCom refused. */
const jobs: number[] = [];

/** The figure with this id, as rendered. */
const figure = (html: string, id: string) => new RegExp(`<figure class="chart" id="${id}">([\\s\\S]*?)</figure>`).exec(html)?.[1] ?? "";

beforeAll(async () => {
  w = await consoleWorld();
  const first = await w.api.json("GET", "/api/teams/acme/jobs");
  jobs.push(...((await first.json()) as { items: { id: number }[] }).items.map((j) => j.id));
  // A re-sync that runs 42 s after it was asked for: the clock moves before the runner starts.
  const started = await apiClient(w.deps).json("POST", "/api/teams/acme/sync");
  expect(started.status).toBe(202);
  jobs.push(((await started.json()) as { job: { id: number } }).job.id);
  w.deps.clock.advance(42_000);
  await w.deps.deferred.flush();
  await control(w.deps, "POST", "/_emulator/faults", {
    api: "*",
    errcode: 60020,
    errmsg: "not allow to access from your ip, from ip: 203.0.113.7",
    times: 50,
  });
  const refused = await submit(w.api, w.owner, "/teams/acme/sync", {});
  expect(refused.status).toBe(303);
  await w.deps.deferred.flush();
  await control(w.deps, "DELETE", "/_emulator/faults");
  jobs.push(Number(/job=(\d+)/.exec(refused.headers.get("location") ?? "")?.[1]));
});
afterAll(async () => w.close());

describe("the overview's figures", () => {
  it("draws the last syncs oldest first, each bar's height its time taken and its colour its outcome, with the figures as text", async () => {
    const html = await pageHtml(w.api, w.owner, "/teams/acme");
    const fig = figure(html, "sync-chart");
    const bars = [
      ...fig.matchAll(
        /<rect x="[\d.]+%" y="(\d+)" width="[\d.]+%" height="(\d+)" fill="(#[0-9a-f]{6})" data-job="(\d+)" data-state="(\w+)">/g,
      ),
    ];
    expect(bars.map((b) => Number(b[4]))).toEqual(jobs);
    expect(bars.map((b) => b[5])).toEqual(["succeeded", "succeeded", "failed"]);
    // The 42 s re-sync is the longest, full height; the others are short but never invisible.
    expect(bars.map((b) => Number(b[2]))[1]).toBe(100);
    for (const b of bars) expect(Number(b[2])).toBeGreaterThanOrEqual(2);
    expect(bars[2]![3]).not.toBe(bars[0]![3]);
    expect(fig).toContain('role="img" aria-labelledby="sync-chart-title sync-chart-desc"');
    expect(fig).toContain('<title id="sync-chart-title">最近同步的用时与结果</title>');
    expect(textOf(/<desc id="sync-chart-desc">([^<]*)<\/desc>/.exec(fig)![1]!)).toBe(
      `最近 3 次完成的同步，最长 42 秒，其中失败 1 次；最近一次失败，用时 0.0 秒，0 项变更。`,
    );
    // Every bar also says what it is on hover, and the table under the figure lists them newest first.
    expect(fig).toContain(`<title>#${jobs[1]} 已完成 · 42 秒 · 0 项变更</title>`);
    const rows = [...fig.matchAll(/<tr><td><a href="\/teams\/acme\/sync\/(\d+)">/g)].map((m) => Number(m[1]));
    expect(rows).toEqual([...jobs].reverse());
    expect(textOf(fig)).toContain("已完成 失败");
  });

  it("draws members by status as shares of the team, with counts the database holds", async () => {
    const html = await pageHtml(w.api, w.owner, "/teams/acme");
    const fig = figure(html, "members-chart");
    const byStatus = Object.fromEntries(
      (await w.db.select({ status: members.status, n: count() }).from(members).groupBy(members.status)).map((r) => [r.status, r.n]),
    );
    const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
    expect(byStatus.imported).toBeGreaterThan(0);
    expect(fig).toContain(`已导入 ${byStatus.imported}`);
    expect(fig).toContain(`共 ${total} 名成员`);
    const widths: Record<string, number> = Object.fromEntries(
      [...fig.matchAll(/width="([\d.]+)%" height="10" fill="#[0-9a-f]{6}" data-status="(\w+)"/g)].map(
        (m) => [m[2]!, Number(m[1])] as const,
      ),
    );
    expect(Object.keys(widths).sort()).toEqual(Object.keys(byStatus).sort());
    expect(widths.imported).toBeCloseTo((byStatus.imported! * 100) / total, 1);
    // Statuses nobody has are listed at zero, with no bar.
    expect(fig).toContain("已移除 · 0");
  });

  it("reads in English for an English reader, with no Chinese left in the figures", async () => {
    const jar = await w.api.login("owner1", PASSWORD);
    jar.cookies.set("wr_lang", "en");
    const html = await pageHtml(w.api, jar, "/teams/acme");
    const figs = figure(html, "sync-chart") + figure(html, "members-chart");
    expect(figs).toContain('<title id="sync-chart-title">Recent syncs: time taken and outcome</title>');
    expect(figs).toContain("The last 3 finished syncs, the longest 42 s, 1 failed");
    expect(figs).toContain("Members by status");
    expect(figs).toContain("← older");
    expect(figs).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it("says so when no sync has finished yet, and refuses the page to a plain member", async () => {
    expect((await w.api.json("POST", "/api/teams", { slug: "empty", name: "Empty" })).status).toBe(201);
    const owner = await person(w.api, w.db, "empty", "emptyowner", { role: "owner" });
    const html = await pageHtml(w.api, owner.jar, "/teams/empty");
    expect(html).toContain('id="sync-chart-empty"');
    expect(figure(html, "members-chart")).toContain("共 1 名成员");
    const plain = await person(w.api, w.db, "acme", "plain1", { role: "member" });
    const refused = await w.api.page(plain.jar, "/teams/acme");
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain("sync-chart");
    const stranger = new CookieJar();
    expect((await w.api.page(stranger, "/teams/acme")).status).toBe(303);
  });
});
