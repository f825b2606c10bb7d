// members-page: the console's members page (GET /teams/:slug/members, docs/http-api.md#html-pages) on a team of
// 100,000 members and 2,000 departments in PostgreSQL: server time of the whole request (session
// lookup, admin check, listTeamMembers with its count, the department list, rendering the HTML)
// for the first page and for filtered pages, against a baseline in the same run: the page's two
// member queries (the keyset page and the count, in parallel, as the verb runs them) sent as plain
// SQL through the raw driver. A middle column times the page's verbs alone (listTeamMembers and
// listDepartments), without the session, the admin check or the HTML.
// Goal (informational, never asserted): every variant < 100 ms median on this machine.
// The run fails (exit 1) only when something is wrong: a page does not answer 200, or shows a
// different number of rows or total than the raw queries find.
//
//   npm run bench members-page
//   DATABASE_URL=postgres://… npm run bench members-page      (server to create the scratch db on)
//   BENCH_MEMBERS=20000 npm run bench members-page             (a smaller team)
import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { createApp } from "../src/app";
import { botHooks } from "../src/bot/hooks";
import { defaultCallbackHandlers } from "../src/callbacks/handlers";
import { parseConfig } from "../src/config";
import { systemClock, type Deps } from "../src/deps";
import { nodeResolveHost } from "../src/entry/node-dns";
import { openDb } from "../src/entry/open-db";
import type { Logger } from "../src/logger";
import { createSecretBox } from "../src/security/secret-box";
import { MEMBER_COUNT_CAP } from "../src/routes/pages/console/directory";
import { listDepartments, listTeamMembers } from "../src/services/directory/read-directory";
import { createWecomClient } from "../src/wecom/client";
import { wecomStorage } from "../src/services/wecom-storage";
import { machine, ms, table } from "./lib/report";
import { scratchRun } from "./lib/scratch";

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 100_000);
const DEPARTMENTS = 2000;
const WARMUP = 5;
const ROUNDS = 30;
const GOAL_MS = 100;
const PAGE = 50;
const ENV = {
  APP_SECRET: "bench-app-secret-0123456789abcdefghijkl",
  ADMIN_TOKEN: "bench-admin-token-0123456789",
  PUBLIC_URL: "http://bench.invalid",
};

const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (msg, fields) => console.error(msg, fields) };

/** One page variant: its query string and the WHERE clause the raw baseline runs for it. */
interface Variant {
  name: string;
  query: string;
  where: (sql: postgres.Sql, teamId: number) => postgres.PendingQuery<postgres.Row[]>;
  afterId: number;
}

const VARIANTS: Variant[] = [
  { name: "first page", query: "", afterId: 0, where: (sql, t) => sql`team_id = ${t}` },
  { name: "status=invited", query: "status=invited", afterId: 0, where: (sql, t) => sql`team_id = ${t} and status = 'invited'` },
  { name: "department=7", query: "department=7", afterId: 0, where: (sql, t) => sql`team_id = ${t} and department_ids @> '[7]'::jsonb` },
  {
    name: "q=王 (search)",
    query: `q=${encodeURIComponent("王")}`,
    afterId: 0,
    where: (sql, t) => sql`team_id = ${t} and (name ilike '%王%' or wecom_user_key like lower('%王%'))`,
  },
  {
    name: "status+department",
    query: "status=imported&department=7",
    afterId: 0,
    where: (sql, t) => sql`team_id = ${t} and status = 'imported' and department_ids @> '[7]'::jsonb`,
  },
  {
    name: "page ~1800 (cursor)",
    query: `cursor=${Math.floor(MEMBERS * 0.9)}`,
    afterId: Math.floor(MEMBERS * 0.9),
    where: (sql, t) => sql`team_id = ${t}`,
  },
];

async function seed(sql: postgres.Sql): Promise<number> {
  const [team] = await sql<{ id: number }[]>`insert into teams (slug, name) values ('bench', 'Bench') returning id`;
  const teamId = Number(team!.id);
  await sql`insert into departments (team_id, id, name, parent_id, "order", content_hash, updated_at)
    select ${teamId}, g, '部门' || g, case when g = 1 then 0 else greatest(1, g / 10) end, 0, 'h', now() from generate_series(1, ${DEPARTMENTS}::int) g`;
  // Names from common surnames and given names; statuses 70 % imported, 20 % invited, 8 % active, 1 % locked, 1 % removed.
  await sql`insert into members (team_id, wecom_user_id, wecom_user_key, name, department_ids, main_department_id, status, content_hash, created_at, updated_at)
    select ${teamId}, 'user' || g, 'user' || g,
      (array['王','李','张','刘','陈','杨','赵','黄','周','吴'])[1 + g % 10] || (array['伟','芳','娜','敏','静','强','磊','洋','艳','勇'])[1 + (g / 10) % 10] || (g % 997),
      jsonb_build_array(1 + g % ${DEPARTMENTS}::int, 1 + (g * 7) % ${DEPARTMENTS}::int), 1 + g % ${DEPARTMENTS}::int,
      case when g % 100 < 70 then 'imported' when g % 100 < 90 then 'invited' when g % 100 < 98 then 'active' when g % 100 < 99 then 'locked' else 'removed' end,
      'h', now(), now()
    from generate_series(1, ${MEMBERS}::int) g`;
  await sql`analyze`;
  return teamId;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))] ?? NaN;

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await f();
  return { ms: performance.now() - t, value };
}

export async function run(): Promise<boolean> {
  let opened: Awaited<ReturnType<typeof openDb>> | undefined;
  let raw: postgres.Sql | undefined;
  const scratch = scratchRun(async () => {
    await raw?.end();
    await opened?.close();
  });
  return scratch.execute(async () => {
    await scratch.admin.unsafe(`create database ${scratch.dbName}`);
    opened = await openDb({ databaseUrl: scratch.dbUrl.toString(), dataDir: "" });
    raw = postgres(scratch.dbUrl.toString(), { max: 10, onnotice: () => {} });
    const started = performance.now();
    const teamId = await seed(raw);
    console.log(
      `Seeded ${MEMBERS.toLocaleString("en-US")} members and ${DEPARTMENTS} departments in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const config = { ...parseConfig(ENV), passwordScryptN: 2 ** 10 };
    const secrets = createSecretBox(config.appSecret);
    const deps: Deps = {
      config,
      db: opened.db,
      secrets,
      clock: systemClock,
      logger: quiet,
      defer: () => {},
      wecom: createWecomClient({
        storage: wecomStorage(opened.db, secrets),
        clock: systemClock,
        logger: quiet,
        apiBase: "http://wecom.invalid",
        budget: config.wecomBudget,
      }),
      callbackHandlers: defaultCallbackHandlers,
      hooks: botHooks,
      resolveHost: nodeResolveHost,
    };
    const app = createApp();
    const request = (path: string, init: RequestInit = {}) => Promise.resolve(app.request(path, init, { deps }));
    const json = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
      request(path, { method, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
    const registered = await json("POST", "/api/accounts", {
      username: "benchowner",
      password: "correct horse battery",
      name: "Bench Owner",
    });
    const { account } = (await registered.json()) as { account: { id: number } };
    await json(
      "POST",
      "/api/teams/bench/members",
      { accountId: account.id, role: "owner" },
      { authorization: `Bearer ${ENV.ADMIN_TOKEN}` },
    );
    const session = await json("POST", "/api/session", { username: "benchowner", password: "correct horse battery" });
    const cookie = session.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");

    const failures: string[] = [];
    const rows: string[][] = [];
    for (const v of VARIANTS) {
      const path = `/teams/bench/members${v.query ? `?${v.query}` : ""}`;
      const page = async () => {
        const res = await request(path, { headers: { cookie } });
        const html = await res.text();
        return { status: res.status, html };
      };
      const sql = raw;
      const baseline = () =>
        Promise.all([
          sql`select * from members where ${v.where(sql, teamId)} and id > ${v.afterId} order by id limit ${PAGE}`,
          // Counted as the page counts: up to MEMBER_COUNT_CAP, then "more than" (docs/members.md#the-members-page).
          sql`select count(*)::int as n from (select 1 from members where ${v.where(sql, teamId)} limit ${MEMBER_COUNT_CAP + 1}) m`,
        ]);
      const [{ n: matching }] = (await sql`select count(*)::int as n from members where ${v.where(sql, teamId)}`) as unknown as [
        { n: number },
      ];
      // What the page's data costs through the verbs alone (no session, admin check or HTML).
      const actor = { kind: "account" as const, accountId: account.id };
      const verbs = () =>
        Promise.all([
          listTeamMembers(deps, actor, "bench", Object.fromEntries(new URLSearchParams(v.query)), { countUpTo: MEMBER_COUNT_CAP }),
          listDepartments(deps, actor, "bench"),
        ]);
      for (let i = 0; i < WARMUP; i++) {
        await page();
        await verbs();
        await baseline();
      }
      const pageMs: number[] = [];
      const verbMs: number[] = [];
      const rawMs: number[] = [];
      let last = { status: 0, html: "" };
      let expected: { rows: number; total: number } = { rows: 0, total: 0 };
      for (let i = 0; i < ROUNDS; i++) {
        const p = await timed(page);
        pageMs.push(p.ms);
        last = p.value;
        verbMs.push((await timed(verbs)).ms);
        const b = await timed(baseline);
        rawMs.push(b.ms);
        expected = { rows: b.value[0].length, total: Number((b.value[1][0] as { n: number }).n) };
      }
      const shownRows = (last.html.match(/<tr id="member-/g) ?? []).length;
      const capped = expected.total > MEMBER_COUNT_CAP;
      const shownTotal = capped
        ? /超过 ([\d,]+) 名成员符合条件/.exec(last.html)?.[1]?.replaceAll(",", "")
        : /共 (\d+) 名成员符合条件/.exec(last.html)?.[1];
      if (last.status !== 200) failures.push(`${v.name}: status ${last.status}`);
      else if (
        shownRows !== expected.rows ||
        Number(shownTotal) !== Math.min(expected.total, MEMBER_COUNT_CAP) ||
        (capped && matching <= MEMBER_COUNT_CAP)
      )
        failures.push(
          `${v.name}: page shows ${shownRows} rows of ${shownTotal}, the raw queries find ${expected.rows} of ${expected.total}`,
        );
      const med = median(pageMs);
      rows.push([
        v.name,
        String(matching),
        ms(med),
        ms(p95(pageMs)),
        ms(median(verbMs)),
        ms(median(rawMs)),
        (med / median(rawMs)).toFixed(1),
        med < GOAL_MS ? "yes" : "NO",
      ]);
    }
    // What every console page pays before its own data: the session lookup and the team standing.
    const accessMs: number[] = [];
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      const t = await timed(() => request("/api/teams/bench/access", { headers: { cookie } }).then((r) => r.text()));
      if (i >= WARMUP) accessMs.push(t.ms);
    }
    console.log("");
    console.log(
      machine([
        `PostgreSQL (${scratch.adminUrl.replace(/\/\/[^@]*@/, "//")})`,
        `${ROUNDS} rounds after ${WARMUP} warm-up, one request at a time`,
      ]),
    );
    console.log("");
    console.log(
      table(
        ["variant", "matching", "page median ms", "page p95 ms", "verbs median ms", "raw SQL median ms", "page/raw", `< ${GOAL_MS} ms`],
        rows,
        [false, true, true, true, true, true, true, false],
      ),
    );
    console.log("");
    console.log(
      `Session lookup + standing alone (GET /api/teams/bench/access): median ${ms(median(accessMs))} ms, p95 ${ms(p95(accessMs))} ms`,
    );
    return failures;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await run()) ? 0 : 1;
