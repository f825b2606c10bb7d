import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { teams } from "../../../src/db/schema";
import type { JobView } from "../../../src/services/directory/job-view";
import { signLink } from "../../../src/security/signed-link";
import { apiClient, boundTeam, OPERATOR } from "../../helpers/api";
import { TEST_ENV, testDeps, type TestDeps } from "../../helpers/deps";
import { control } from "../../helpers/emulator";
import { emulatorOrg, jobOf, syncNow } from "../../helpers/sync";
import { openTestDb } from "../../helpers/test-db";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;

beforeAll(async () => {
  opened = await openTestDb();
});
afterAll(async () => opened.close());
beforeEach(async () => {
  await opened.db.delete(teams);
  deps = testDeps(opened.db);
  await boundTeam(deps, "acme");
});

const DAY = 24 * 3600 * 1000;

/** Starts a sync through the API without running it; answers the job and the path of its progressUrl. */
async function startSync(): Promise<{ job: JobView; path: string; token: string; progressUrl: string }> {
  const res = await apiClient(deps).json("POST", "/api/teams/acme/sync");
  expect(res.status).toBe(202);
  const body = (await res.json()) as { job: JobView; progressUrl: string };
  const url = new URL(body.progressUrl);
  return { job: body.job, path: `${url.pathname}${url.search}`, token: url.searchParams.get("t")!, progressUrl: body.progressUrl };
}

/** What a person reads: no tags, no script or style, whitespace collapsed. */
const textOfPage = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .replace(/ ([:,)])/g, "$1")
    .replace(/\( /g, "(");
const get = (path: string, headers: Record<string, string> = {}) => apiClient(deps).request(path, { headers });

function countCell(html: string, group: string, key: string): number {
  const m = new RegExp(`id="count-${group}-${key}"[^>]*>(\\d+)<`).exec(html);
  if (!m) throw new Error(`no count cell ${group}.${key}`);
  return Number(m[1]);
}

function eventsPathOf(html: string, pagePath: string): string {
  const rel = /data-events="([^"]+)"/.exec(html)?.[1];
  if (!rel) throw new Error("page has no events URL");
  const u = new URL(rel.replaceAll("&amp;", "&"), `https://roster.example.com${pagePath}`);
  return `${u.pathname}${u.search}`;
}

interface SseEvent {
  event: string | undefined;
  data: string;
}

function parseSse(text: string): SseEvent[] {
  return text
    .split("\n\n")
    .map((block) => block.split("\n").filter((l) => l && !l.startsWith(":")))
    .filter((lines) => lines.length > 0)
    .map((lines) => ({
      event: lines.find((l) => l.startsWith("event: "))?.slice(7),
      data: lines
        .filter((l) => l.startsWith("data: "))
        .map((l) => l.slice(6))
        .join("\n"),
    }));
}

/** Lets the live stream poll once: one period passes as soon as it waits on the ticker. */
async function nextPoll(): Promise<void> {
  await vi.waitFor(() => expect(deps.ticker.active).toBeGreaterThan(0));
  await deps.ticker.pass(1_000);
}

/** Reads a whole response body, failing if it has not ended within `ms`. */
async function readToEnd(res: Response, ms = 10_000): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`stream still open after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([res.text(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The page minus its shared stylesheet (which names every state's CSS class). */
const withoutStyle = (html: string) => html.replace(/<style[^>]*>[\s\S]*?<\/style>/, "");

const JOB_DATA = ["Acme", "acme", "count-", "<progress", "queued", "succeeded", "排队中", "已完成", "data-events"];

describe("job progress page", () => {
  it("opens from the sync's progressUrl, live while queued, final after the run", async () => {
    const { job, path, progressUrl } = await startSync();
    expect(progressUrl).toMatch(new RegExp(`^${TEST_ENV.PUBLIC_URL}/teams/acme/jobs/${job.id}\\?t=[A-Za-z0-9_-]+$`));

    const live = await get(path);
    expect(live.status).toBe(200);
    expect(live.headers.get("content-type")).toMatch(/^text\/html/);
    expect(live.headers.get("cache-control")).toBe("no-store");
    expect(live.headers.get("referrer-policy")).toBe("no-referrer");
    const html = await live.text();
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toMatch(/<title>[^<]*同步任务[^<]*<\/title>/);
    expect(html).not.toContain("Sync job");
    expect(html).toContain("Acme 团队");
    expect(html).toMatch(/排队中/);
    expect(html).toMatch(/<progress id="job-bar"[^>]*aria-label="[^"]+"/);
    expect(html).toMatch(/<noscript><meta http-equiv="refresh" content="2"\/?><\/noscript>/);
    // The one inline script runs under this response's CSP nonce.
    const nonce = /script-src 'nonce-([^']+)'/.exec(live.headers.get("content-security-policy") ?? "")?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain("new EventSource(url)");
    expect(eventsPathOf(html, path)).toBe(`/teams/acme/jobs/${job.id}/events?t=${new URL(progressUrl).searchParams.get("t")}`);
    // One language per page: Chinese by default, English for a browser that asks for it.
    expect(html).toContain("新建成员");
    expect(html).not.toContain("Members created");
    const en = await (await get(path, { "accept-language": "en-GB,en;q=0.8" })).text();
    expect(en).toContain('<html lang="en">');
    for (const label of ["Members created", "Sync job", "queued"]) expect(en).toContain(label);
    // The live script carries both languages' labels; the page's text is in one.
    const enText = en.replace(/<script[\s\S]*?<\/script>/g, "");
    for (const label of ["新建成员", "同步任务", "排队中"]) expect(enText).not.toContain(label);

    await deps.deferred.flush();
    const final = await jobOf(deps, "acme", job.id);
    expect(final.state).toBe("succeeded");
    expect(final.counts.members.created).toBeGreaterThan(0);

    const done = await get(path);
    expect(done.status).toBe(200);
    const doneHtml = await done.text();
    expect(doneHtml).toMatch(/已完成/);
    expect(doneHtml).toMatch(/id="job-phase">\s*完成/);
    expect(countCell(doneHtml, "members", "created")).toBe(final.counts.members.created);
    // "12 / 12" says what it counts.
    expect(textOfPage(doneHtml)).toMatch(/已处理: 变更 (\d+) \/ \1 \(100 ?%\)/);
    expect(textOfPage(await (await get(path, { "accept-language": "en" })).text())).toMatch(/Done: changes (\d+) of \1 \(100 ?%\)/);
    expect(countCell(doneHtml, "departments", "created")).toBe(final.counts.departments.created);
    expect(doneHtml).toContain('id="job-pct">100<');
    expect(doneHtml).not.toContain('http-equiv="refresh"');
    expect(doneHtml).not.toContain("<script");
    expect(doneHtml).not.toContain("data-events");
    expect(doneHtml).toContain("结束于");
  });

  it("opens with the admin bearer token too, and gives the browser a link for the live stream", async () => {
    const { job, path } = await startSync();
    const res = await get(`/teams/acme/jobs/${job.id}`, OPERATOR);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("排队中");
    const events = await get(eventsPathOf(html, path));
    expect(events.status).toBe(200);
    await events.body?.cancel();
  });

  it("opens for a team admin's session, and refuses a plain member's session", async () => {
    const { job, path } = await startSync();
    const api = apiClient(deps);
    const session = async (username: string, role: "admin" | "member") => {
      const reg = await api.json("POST", "/api/accounts", { username, password: "correct horse battery", name: username });
      const { id } = ((await reg.json()) as { account: { id: number } }).account;
      expect((await api.json("POST", "/api/teams/acme/members", { accountId: id, role })).status).toBe(201);
      const login = await api.json("POST", "/api/session", { username, password: "correct horse battery" }, {});
      return { cookie: (login.headers.get("set-cookie") ?? "").split(";")[0]! };
    };
    const admin = await get(`/teams/acme/jobs/${job.id}`, await session("page-admin", "admin"));
    expect(admin.status).toBe(200);
    const events = await get(eventsPathOf(await admin.text(), path));
    expect(events.status).toBe(200);
    await events.body?.cancel();
    const member = await get(`/teams/acme/jobs/${job.id}`, await session("page-member", "member"));
    expect(member.status).toBe(403);
    expect(await member.text()).not.toContain("排队中");
  });

  it("refuses a missing, wrong, foreign or expired link with a 403 page that shows no job data", async () => {
    const { job, path, token } = await startSync();
    await deps.deferred.flush();
    const other = signLink(TEST_ENV.APP_SECRET, "job-progress", `acme/${job.id + 1}`, new Date(deps.clock.now().getTime() + DAY));
    const otherPurpose = signLink(TEST_ENV.APP_SECRET, "join", `acme/${job.id}`, new Date(deps.clock.now().getTime() + DAY));
    const otherSecret = signLink(
      "another-app-secret-0123456789abcdefgh",
      "job-progress",
      `acme/${job.id}`,
      new Date(deps.clock.now().getTime() + DAY),
    );
    const refused: [string, Record<string, string>][] = [
      [`/teams/acme/jobs/${job.id}`, {}],
      [`/teams/acme/jobs/${job.id}?t=`, {}],
      [`/teams/acme/jobs/${job.id}?t=nope`, {}],
      [`/teams/acme/jobs/${job.id}?t=${token.slice(0, -2)}AA`, {}],
      [`/teams/acme/jobs/${job.id}?t=${other}`, {}],
      [`/teams/acme/jobs/${job.id}?t=${otherPurpose}`, {}],
      [`/teams/acme/jobs/${job.id}?t=${otherSecret}`, {}],
      [`/teams/acme/jobs/${job.id}`, { authorization: "Bearer wrong-admin-token-000000" }],
      [`/teams/acme/jobs/${job.id}`, { authorization: TEST_ENV.ADMIN_TOKEN }],
      [`/teams/other/jobs/${job.id}?t=${token}`, {}],
    ];
    for (const [p, headers] of refused) {
      const res = await get(p, headers);
      expect(res.status, p).toBe(403);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      const html = withoutStyle(await res.text());
      expect(html).toContain("无权访问");
      expect(html).not.toContain("Access denied");
      for (const s of [...JOB_DATA, `#${job.id}`]) expect(html, `${p} leaks ${s}`).not.toContain(s);
    }

    expect((await get(path)).status).toBe(200);
    deps.clock.advance(7 * DAY);
    expect((await get(path)).status).toBe(403);
  });

  it("answers 404 pages for an unknown job or team, to someone allowed to ask", async () => {
    const { job } = await startSync();
    const signed = (subject: string) => signLink(TEST_ENV.APP_SECRET, "job-progress", subject, new Date(deps.clock.now().getTime() + DAY));
    for (const [p, headers] of [
      [`/teams/acme/jobs/${job.id + 100}`, OPERATOR],
      [`/teams/nobody/jobs/${job.id}`, OPERATOR],
      ["/teams/acme/jobs/abc", OPERATOR],
      [`/teams/acme/jobs/${job.id + 100}?t=${signed(`acme/${job.id + 100}`)}`, {}],
    ] as const) {
      const res = await get(p, headers);
      expect(res.status, p).toBe(404);
      const html = await res.text();
      expect(html).toContain("未找到");
      expect(html).not.toContain("Not found");
    }
  });

  it("shows a failed job's error, with the IP WeCom saw", async () => {
    await control(deps, "POST", "/_emulator/faults", {
      api: "department/list",
      errcode: 60020,
      errmsg:
        "not allow to access from your ip, hint: [1732000000_1_abc], from ip: 203.0.113.9, more info at https://open.work.weixin.qq.com/devtool/query?e=60020",
      times: 10,
    });
    const { job, path } = await startSync();
    await deps.deferred.flush();
    expect((await jobOf(deps, "acme", job.id)).state).toBe("failed");
    const res = await get(path);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/失败/);
    expect(html).toContain('role="alert"');
    expect(html).toContain("203.0.113.9");
    expect(html).toContain("<code>60020</code>");
    expect(html).toContain("<code>department/list</code>");
    expect(html).not.toContain('http-equiv="refresh"');
  });

  it("explains a tripped breaker and where an admin allows or rejects it", async () => {
    await syncNow(deps, "acme");
    const org = await emulatorOrg(deps);
    const gone = org.users.filter((u) => u.status !== 5).slice(0, 5);
    for (const u of gone) await control(deps, "DELETE", `/_emulator/users/${encodeURIComponent(u.userid)}`);
    const { job, path } = await startSync();
    await deps.deferred.flush();
    const view = await jobOf(deps, "acme", job.id);
    expect(view.state).toBe("needs_confirmation");
    const html = await (await get(path)).text();
    expect(html).toMatch(/等待确认/);
    expect(html).toContain(`id="breaker-deprovisions">${view.breaker!.deprovisions}<`);
    expect(html).toContain(`id="breaker-threshold">${view.breaker!.threshold}<`);
    expect(html).toContain(`POST /api/teams/acme/jobs/${job.id}/confirm`);
    expect(html).toContain(`POST /api/teams/acme/jobs/${job.id}/reject`);
    expect(html).not.toContain('http-equiv="refresh"');
    expect(html).not.toContain("come later");
    // The console's page of this job, where a signed-in admin allows or rejects with a button.
    const href = /<a id="decide-in-console" href="([^"]+)"/.exec(html)?.[1];
    expect(href).toBe(`../sync/${job.id}`);
    const consolePath = new URL(href!, `https://roster.example.com${path}`).pathname;
    expect(consolePath).toBe(`/teams/acme/sync/${job.id}`);
    const api = apiClient(deps);
    const reg = await api.json("POST", "/api/accounts", { username: "breaker-admin", password: "correct horse battery", name: "b" });
    const { id } = ((await reg.json()) as { account: { id: number } }).account;
    expect((await api.json("POST", "/api/teams/acme/members", { accountId: id, role: "admin" })).status).toBe(201);
    const login = await api.json("POST", "/api/session", { username: "breaker-admin", password: "correct horse battery" }, {});
    const consolePage = await get(consolePath, { cookie: (login.headers.get("set-cookie") ?? "").split(";")[0]! });
    expect(consolePage.status).toBe(200);
    const consoleHtml = await consolePage.text();
    expect(consoleHtml).toContain('id="allow"');
    expect(consoleHtml).toContain('id="reject"');
    // The stream ends at the decision point too.
    const events = parseSse(await readToEnd(await get(`${path.replace("?", "/events?")}`)));
    expect(events.map((e) => (JSON.parse(e.data) as JobView).state)).toEqual(["needs_confirmation"]);
  });
});

describe("job progress events", () => {
  it("sends a finished job's final state once, then ends", async () => {
    const { job, path } = await startSync();
    await deps.deferred.flush();
    const res = await get(path.replace("?", "/events?"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const text = await readToEnd(res, 5_000);
    expect(text).toContain("event: progress\n");
    const events = parseSse(text);
    expect(events).toHaveLength(1);
    expect(events[0]!.event).toBe("progress");
    expect(JSON.parse(events[0]!.data)).toEqual(await jobOf(deps, "acme", job.id));
  });

  it("follows a running job until it finishes", async () => {
    const { path } = await startSync();
    const res = await get(path.replace("?", "/events?"));
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const first = await reader.read();
    expect(parseSse(first.value ?? "").map((e) => (JSON.parse(e.data) as JobView).state)).toEqual(["queued"]);
    await deps.deferred.flush();
    await nextPoll();
    let rest = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += value;
    }
    const states = parseSse(rest).map((e) => (JSON.parse(e.data) as JobView).state);
    expect(states.at(-1)).toBe("succeeded");
  });

  it("stops polling when the client goes away", async () => {
    const { job, path } = await startSync();
    let reads = 0;
    const counting = new Proxy(deps.db, {
      get(target, prop, receiver) {
        if (prop === "select") reads++;
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const app = apiClient(deps).app;
    const res = await app.request(path.replace("?", "/events?"), {}, { deps: { ...deps, db: counting } });
    const reader = res.body!.getReader();
    await reader.read();
    const opening = reads;
    expect(opening).toBeGreaterThan(0);
    await nextPoll();
    await nextPoll();
    // It polls while someone listens; the next wait shows the second poll has been read.
    await vi.waitFor(() => expect(deps.ticker.active).toBe(1));
    expect(reads).toBeGreaterThanOrEqual(opening + 2);
    await reader.cancel();
    const after = reads;
    // Gone: the wait ends with its timer, and no period brings another poll.
    await vi.waitFor(() => expect(deps.ticker.active).toBe(0));
    await deps.ticker.pass(5_000);
    expect(reads).toBe(after);
    expect((await jobOf(deps, "acme", job.id)).state).toBe("queued");
  });

  it("refuses a bad link with 403 and an unknown job with 404", async () => {
    const { job, path, token } = await startSync();
    for (const p of [
      `/teams/acme/jobs/${job.id}/events`,
      `/teams/acme/jobs/${job.id}/events?t=${token.slice(1)}x`,
      `/teams/acme/jobs/${job.id + 1}/events?t=${token}`,
    ]) {
      const res = await get(p);
      expect(res.status, p).toBe(403);
      const body = await res.text();
      for (const s of JOB_DATA) expect(body).not.toContain(s);
    }
    expect((await get(path.replace("?", "/events?"))).status).toBe(200);
    expect((await get(`/teams/acme/jobs/${job.id + 100}/events`, OPERATOR)).status).toBe(404);
  });
});

describe("the page's live script", () => {
  /**
   * Runs the page's inline script against a minimal DOM and EventSource, as a browser would. Only
   * the elements the page really has exist: a script asking for an id the page lacks gets null, as
   * in a browser (test/browser/console.test.ts runs the same page in chromium).
   */
  function runScript(html: string, lang = "zh-CN") {
    const script = /<script nonce="[^"]+">([\s\S]*?)<\/script>/.exec(html)?.[1];
    if (!script) throw new Error("no script");
    const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
    const els = new Map<string, Record<string, unknown>>();
    const el = (id: string) => {
      let e = els.get(id);
      if (!e) {
        if (!ids.has(id)) return null;
        e = { id, textContent: "", className: "", hidden: true, max: 0, value: 0 };
        e.getAttribute = (name: string) => (name === "data-events" ? /data-events="([^"]+)"/.exec(html)?.[1] : null);
        e.removeAttribute = (name: string) => void (name === "value" && (e!.value = "indeterminate"));
        els.set(id, e);
      }
      return e;
    };
    const sources: {
      url: string;
      closed: boolean;
      listeners: Record<string, (e: { data: string }) => void>;
      readyState: number;
      onerror?: () => void;
    }[] = [];
    class FakeEventSource {
      closed = false;
      readyState = 1;
      listeners: Record<string, (e: { data: string }) => void> = {};
      onerror?: () => void;
      constructor(readonly url: string) {
        sources.push(this);
      }
      addEventListener(type: string, fn: (e: { data: string }) => void) {
        this.listeners[type] = fn;
      }
      close() {
        this.closed = true;
        this.readyState = 2;
      }
    }
    let reloads = 0;
    const location = { reload: () => void reloads++ };
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the page's own script, under test
    const run = new Function("document", "window", "location", "EventSource", script) as (...args: unknown[]) => void;
    run({ getElementById: el, documentElement: { lang } }, { EventSource: FakeEventSource }, location, FakeEventSource);
    const onPage = (id: string) => {
      const e = el(id);
      if (!e) throw new Error(`the page has no #${id}`);
      return e;
    };
    return { el: onPage, sources, reloads: () => reloads };
  }

  it("updates state, phase, bar and counts in place, and reloads once when the job settles", async () => {
    const { job, path } = await startSync();
    const page = runScript(await (await get(path)).text());
    expect(page.sources).toHaveLength(1);
    const source = page.sources[0]!;
    expect(source.url).toMatch(new RegExp(`^${job.id}/events\\?t=`));
    const send = (v: unknown) => source.listeners.progress!({ data: JSON.stringify(v) });

    const running = {
      ...job,
      state: "running",
      progress: { phase: "members", done: 3, total: 8 },
      counts: { ...job.counts, members: { ...job.counts.members, created: 12 } },
      estimate: { seconds: 125, bound: "budget", callsPerMinute: 5000 },
    };
    send(running);
    expect(page.el("job-eta")).toMatchObject({
      hidden: false,
      textContent: "预计还需约 2 分钟（受企业微信调用额度限制：每分钟 5,000 次）",
    });
    expect(page.el("job-state")).toMatchObject({ className: "badge state-running", textContent: "运行中" });
    expect(page.el("job-phase")).toMatchObject({ textContent: "读取成员" });
    expect(page.el("job-bar")).toMatchObject({ max: 8, value: 3 });
    expect(page.el("job-pct").textContent).toBe("37");
    expect(page.el("job-done").textContent).toBe("3");
    expect(page.el("count-members-created").textContent).toBe("12");
    expect(page.reloads()).toBe(0);
    expect(source.closed).toBe(false);
    const { estimate: _, ...withoutEstimate } = running;
    send({ ...withoutEstimate, progress: { phase: "apply", done: 1, total: 8 } });
    expect(page.el("job-eta").hidden).toBe(true);

    send({ ...running, state: "succeeded", progress: { phase: "done", done: 48, total: 48 } });
    expect(page.el("job-pct").textContent).toBe("100");
    expect(source.closed).toBe(true);
    expect(page.reloads()).toBe(1);
  });

  it("writes the labels in the page's language", async () => {
    const { job, path } = await startSync();
    const html = await (await get(path, { "accept-language": "en" })).text();
    const page = runScript(html, /<html lang="([^"]+)"/.exec(html)?.[1]);
    page.sources[0]!.listeners.progress!({
      data: JSON.stringify({
        ...job,
        state: "running",
        progress: { phase: "members", done: 1, total: 2 },
        estimate: { seconds: 20, bound: "pace", callsPerMinute: 5000 },
      }),
    });
    expect(page.el("job-state").textContent).toBe("running");
    expect(page.el("job-eta")).toMatchObject({ hidden: false, textContent: "Under a minute left" });
    expect(page.el("job-phase").textContent).toBe("reading members");
  });
});
