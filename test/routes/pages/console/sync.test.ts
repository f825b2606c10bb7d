import { and, eq, isNotNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { members } from "../../../../src/db/schema";
import { control } from "../../../helpers/emulator";
import { emulatorOrg, jobOf } from "../../../helpers/sync";
import { consoleWorld, pageHtml, submit, textOf, type ConsoleWorld } from "./helpers";

let w: ConsoleWorld;

beforeAll(async () => {
  w = await consoleWorld();
});
afterAll(async () => w.close());

const jobIdOf = (location: string | null): number => Number(/[?&]job=(\d+)/.exec(location ?? "")?.[1]);
const deprovisioned = async () =>
  (await w.db.select().from(members).where(isNotNull(members.deprovisionedAt))).map((m) => m.wecomUserId).sort();

/** Deletes `n` WeCom users the mirror has, and starts a sync from the console: the breaker trips (threshold 3). */
async function tripBreaker(n: number): Promise<{ jobId: number; gone: string[] }> {
  const have = new Set(
    (
      await w.db
        .select()
        .from(members)
        .where(and(eq(members.status, "imported")))
    ).map((m) => m.wecomUserId),
  );
  const gone = (await emulatorOrg(w.deps)).users
    .map((u) => u.userid)
    .filter((u) => have.has(u))
    .slice(0, n);
  for (const u of gone) await control(w.deps, "DELETE", `/_emulator/users/${u}`);
  const res = await submit(w.api, w.owner, "/teams/acme/sync", {});
  await w.deps.deferred.flush();
  const jobId = jobIdOf(res.headers.get("location"));
  expect((await jobOf(w.deps, "acme", jobId)).state).toBe("needs_confirmation");
  return { jobId, gone: gone.sort() };
}

describe("import and sync", () => {
  it("lists past jobs with their counts and offers the sync button", async () => {
    const html = await pageHtml(w.api, w.owner, "/teams/acme/sync");
    expect(html).toContain('id="start-sync"');
    expect(html).toContain('id="job-1"');
    expect(textOf(html)).toMatch(/40 · 0 · 0/);
  });

  it("starts a sync with a button, follows it live on the page, and shows 100 % when it is done", async () => {
    const res = await submit(w.api, w.owner, "/teams/acme/sync", {});
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    expect(location).toMatch(/^\/teams\/acme\/sync\?job=\d+&ok=sync_started$/);
    const running = await pageHtml(w.api, w.owner, location);
    expect(textOf(running)).toContain("同步已开始");
    const events = /data-events="([^"]+)"/.exec(running)?.[1]?.replace(/&amp;/g, "&");
    expect(events).toMatch(/^\/teams\/acme\/jobs\/\d+\/events\?t=/);
    expect(running).toContain('http-equiv="refresh"');
    expect(running).toMatch(/<script nonce="[^"]+">\(function\(\)\{\nvar root=document.getElementById\("live-job"\)/);

    await w.deps.deferred.flush();
    const stream = await w.api.request(events!);
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    expect(await stream.text()).toContain('"state":"succeeded"');

    const done = await pageHtml(w.api, w.owner, location.replace(/&ok=.*/, ""));
    expect(done).toContain('id="live-pct">100<');
    expect(done).not.toContain("data-events=");
    const shareable = /href="(\/teams\/acme\/jobs\/\d+\?t=[^"]+)"/.exec(done)?.[1]?.replace(/&amp;/g, "&");
    expect((await w.api.request(shareable!)).status).toBe(200);
  });

  it("answers a second start while a job is open with that job", async () => {
    const first = await submit(w.api, w.owner, "/teams/acme/sync", {});
    const second = await submit(w.api, w.owner, "/teams/acme/sync", {});
    expect(jobIdOf(second.headers.get("location"))).toBe(jobIdOf(first.headers.get("location")));
    expect(second.headers.get("location")).toContain("ok=sync_open");
    await w.deps.deferred.flush();
  });

  it("refreshes from the departments page through the same sync", async () => {
    const token = /name="_csrf" value="([^"]+)"/.exec(await pageHtml(w.api, w.owner, "/teams/acme/departments"))![1]!;
    const res = await w.api.request("/teams/acme/sync", {
      method: "POST",
      headers: { ...w.owner.header(), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: token }).toString(),
      redirect: "manual",
    });
    expect(res.status).toBe(303);
    await w.deps.deferred.flush();
  });
});

describe("the breaker's allow and reject", () => {
  it("shows the held members with allow and reject; reject applies the rest and deprovisions nobody", async () => {
    const { jobId, gone } = await tripBreaker(4);
    const overview = await pageHtml(w.api, w.owner, "/teams/acme");
    expect(overview).toContain('id="problem-staged"');
    expect(overview).toContain(`href="/teams/acme/sync/${jobId}"`);

    const html = await pageHtml(w.api, w.owner, `/teams/acme/sync/${jobId}`);
    expect(html).toContain('id="allow"');
    expect(html).toContain('id="reject"');
    const listed = [...html.matchAll(/<td data-label="UserID"><code>([^<]+)<\/code>/g)].map((m) => m[1]).sort();
    expect(listed).toEqual(gone);
    expect(textOf(html)).toContain("超过安全上限 3");

    const res = await submit(w.api, w.owner, `/teams/acme/sync/${jobId}`, {}, `/teams/acme/sync/${jobId}/reject`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/teams/acme/sync?job=${jobId}&ok=rejected`);
    await w.deps.deferred.flush();
    expect((await jobOf(w.deps, "acme", jobId)).state).toBe("succeeded");
    expect(await deprovisioned()).toEqual([]);

    const again = await submit(w.api, w.owner, `/teams/acme/sync/${jobId}`, {}, `/teams/acme/sync/${jobId}/confirm`);
    expect(again.status).toBe(409);
    expect(textOf(await again.text())).toContain("conflict");
  });

  it("allow deprovisions exactly the held members", async () => {
    const { jobId, gone } = await tripBreaker(4);
    const all = (await deprovisioned()).length;
    expect(all).toBe(0);
    const res = await submit(w.api, w.owner, `/teams/acme/sync/${jobId}`, {}, `/teams/acme/sync/${jobId}/confirm`);
    expect(res.status).toBe(303);
    await w.deps.deferred.flush();
    expect((await jobOf(w.deps, "acme", jobId)).state).toBe("succeeded");
    // The members rejected before are still gone from WeCom: this run holds them too.
    expect((await deprovisioned()).filter((u) => gone.includes(u!))).toEqual(gone);
    const page = await pageHtml(w.api, w.owner, `/teams/acme/sync?job=${jobId}&ok=confirmed`);
    expect(textOf(page)).toContain("已允许离职处理");
  });

  it("answers an unknown or malformed job with a 404 page", async () => {
    for (const path of ["/teams/acme/sync/999999", "/teams/acme/sync/abc"]) {
      const res = await w.api.page(w.owner, path);
      expect(res.status, path).toBe(404);
      expect(await res.text()).toContain("<code>not_found</code>");
    }
  });
});
