// Scenario helpers for the sync-engine and contact-callback tests: an independent oracle of what
// the mirror must look like for an emulator org, row-version snapshots (xmin) to prove that a run
// wrote nothing, fixtures for roles and statuses, and a cheap snapshot/restore of one team's mirror.
import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import type { MemberRole, MemberStatus } from "../../src/db/schema";
import { auditLog, departments, members, stagedDeprovisions, syncJobs, teams, wecomRateWindows, wecomTokens } from "../../src/db/schema";
import type { JobRow } from "../../src/db/queries/sync-jobs";
import { runJob } from "../../src/services/directory/run-job";
import type { Db } from "../../src/db/types";
import { parseMessage } from "../../src/wecom/xml";
import { contactChange } from "../../src/callbacks/contact-change";
import type { JobView } from "../../src/services/directory/job-view";
import { createWecomClient } from "../../src/wecom/client";
import { wecomStorage } from "../../src/services/wecom-storage";
import { expect } from "vitest";
import { apiClient, boundTeam } from "./api";
import { testDeps, type TestDeps } from "./deps";
import { control } from "./emulator";
import { emulatorOrg, mirrorOf, syncNow, type OrgSnapshot } from "./sync";

export type Mirror = Awaited<ReturnType<typeof mirrorOf>>;
export type MirrorMember = Mirror["members"][number];

/** Every table a scenario leaves rows in: teams cascade to their mirror, jobs, audit and inbox. */
export async function resetDatabase(db: Db): Promise<void> {
  await db.delete(teams);
  await db.delete(wecomTokens);
  await db.delete(wecomRateWindows);
}

/**
 * Each scenario's start: an emptied database, a fresh emulator (shaped by `prepare`), team "acme"
 * bound to it and — unless `sync: false` — imported. Tests that start so for every case use the
 * fixture `syncTest` (sync-fixture.ts) instead.
 */
export async function freshAcme(
  db: Db,
  opts: { sync?: boolean; prepare?: (deps: TestDeps) => Promise<unknown> } = {},
): Promise<{ deps: TestDeps; teamId: number }> {
  await resetDatabase(db);
  const deps = testDeps(db);
  return { deps, teamId: await bindAcme(deps, opts) };
}

/** Team "acme" bound to the deps' emulator (shaped by `prepare` first) and, unless `sync: false`, imported. */
export async function bindAcme(
  deps: TestDeps,
  opts: { sync?: boolean; prepare?: (deps: TestDeps) => Promise<unknown> } = {},
): Promise<number> {
  await opts.prepare?.(deps);
  await boundTeam(deps, "acme");
  const teamId = await teamIdOf(deps, "acme");
  if (opts.sync !== false) expect((await syncNow(deps, "acme")).state).toBe("succeeded");
  return teamId;
}

export async function teamIdOf(deps: TestDeps, slug: string): Promise<number> {
  const [row] = await deps.db.select({ id: teams.id }).from(teams).where(eq(teams.slug, slug));
  if (!row) throw new Error(`no team ${slug}`);
  return row.id;
}

const byKey = (a: MirrorMember, b: MirrorMember) => ((a.key ?? "") < (b.key ?? "") ? -1 : (a.key ?? "") > (b.key ?? "") ? 1 : 0);

/** The mirror in a collation-independent order, for comparing two of them. */
export function normalized(m: Mirror): Mirror {
  return { departments: [...m.departments].sort((a, b) => a.id - b.id), members: [...m.members].sort(byKey) };
}

export async function mirror(deps: TestDeps, teamId: number): Promise<Mirror> {
  return normalized(await mirrorOf(deps, teamId));
}

/**
 * What a full sync must make of `org`, computed independently of src: departments in scope
 * (all, or the given subtrees), every member not left (status 5) with at least one department in
 * scope, departments narrowed to the scope and sorted, the main department kept when in scope.
 */
export function expectedMirror(org: OrgSnapshot, opts: { scopeRoots?: number[]; status?: MemberStatus } = {}): Mirror {
  const parent = new Map(org.departments.map((d) => [d.id, d.parentid]));
  const roots = opts.scopeRoots ? new Set(opts.scopeRoots) : null;
  const inScope = (id: number) => {
    if (!parent.has(id)) return false;
    if (!roots) return true;
    for (let cur: number | undefined = id; cur !== undefined && cur !== 0; cur = parent.get(cur)) if (roots.has(cur)) return true;
    return false;
  };
  const deps = org.departments.filter((d) => inScope(d.id)).map((d) => ({ id: d.id, name: d.name, parentId: d.parentid, order: d.order }));
  const mem: MirrorMember[] = [];
  for (const u of org.users) {
    if (u.status === 5) continue;
    const ids = [...new Set(u.department.filter(inScope))].sort((a, b) => a - b);
    if (ids.length === 0) continue;
    mem.push({
      key: u.userid.toLowerCase(),
      userId: u.userid,
      name: u.name,
      departmentIds: ids,
      main: u.main_department !== undefined && inScope(u.main_department) ? u.main_department : ids[0]!,
      position: u.position ? u.position : null,
      status: opts.status ?? "imported",
    });
  }
  return normalized({ departments: deps, members: mem });
}

/** A department and everything below it, in the emulator's org. */
export function subtree(org: OrgSnapshot, root: number): Set<number> {
  const out = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const d of org.departments) {
      if (!out.has(d.id) && out.has(d.parentid)) {
        out.add(d.id);
        grew = true;
      }
    }
  }
  return out;
}

/** Row versions of a team's mirror: PostgreSQL (and PGlite) give every updated row a new xmin. */
export async function rowVersions(
  deps: TestDeps,
  teamId: number,
): Promise<{ members: Record<string, string>; departments: Record<string, string> }> {
  const m = await deps.db
    .select({ id: members.id, x: sql<string>`xmin::text` })
    .from(members)
    .where(eq(members.teamId, teamId));
  const d = await deps.db
    .select({ id: departments.id, x: sql<string>`xmin::text` })
    .from(departments)
    .where(eq(departments.teamId, teamId));
  return {
    members: Object.fromEntries(m.map((r) => [String(r.id), r.x])),
    departments: Object.fromEntries(d.map((r) => [String(r.id), r.x])),
  };
}

export async function auditCount(deps: TestDeps, teamId: number): Promise<number> {
  const [r] = await deps.db.select({ n: count() }).from(auditLog).where(eq(auditLog.teamId, teamId));
  return Number(r?.n ?? 0);
}

export async function auditRows(deps: TestDeps, teamId: number, action?: string) {
  return deps.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.teamId, teamId), action ? eq(auditLog.action, action) : undefined))
    .orderBy(asc(auditLog.id));
}

export async function memberRows(deps: TestDeps, teamId: number) {
  return deps.db.select().from(members).where(eq(members.teamId, teamId)).orderBy(asc(members.id));
}

export async function memberByKey(deps: TestDeps, teamId: number, userId: string) {
  const [row] = await deps.db
    .select()
    .from(members)
    .where(and(eq(members.teamId, teamId), eq(members.wecomUserKey, userId.toLowerCase())));
  if (!row) throw new Error(`no member ${userId}`);
  return row;
}

/** Fixture: there is no authorize verb yet, so standing is set straight in the table. */
export async function setStatus(deps: TestDeps, teamId: number, status: MemberStatus, userIds?: string[]): Promise<void> {
  await deps.db
    .update(members)
    .set({ status })
    .where(
      and(
        eq(members.teamId, teamId),
        userIds
          ? inArray(
              members.wecomUserKey,
              userIds.map((u) => u.toLowerCase()),
            )
          : undefined,
      ),
    );
}

export async function setRole(deps: TestDeps, teamId: number, userId: string, role: MemberRole): Promise<void> {
  await deps.db
    .update(members)
    .set({ role })
    .where(and(eq(members.teamId, teamId), eq(members.wecomUserKey, userId.toLowerCase())));
}

/** Starts a job through the API and drops the deferred runner, so the test drives `runJob` itself. */
export async function startJob(deps: TestDeps, slug: string): Promise<number> {
  const res = await apiClient(deps).json("POST", `/api/teams/${slug}/sync`);
  if (res.status !== 202) throw new Error(`sync: ${res.status} ${await res.text()}`);
  const { job } = (await res.json()) as { job: JobView };
  deps.deferred.queue.length = 0;
  return job.id;
}

export async function api(deps: TestDeps, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await apiClient(deps).json(method, path, body);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

export interface CallRow {
  api: string;
  fault?: string;
  errcode?: number;
}

/** The emulator's call log (last 10,000 calls). */
export async function callLog(deps: TestDeps): Promise<CallRow[]> {
  return ((await control(deps, "GET", "/_emulator/calls")) as { log: CallRow[] }).log;
}

export async function pendingFaults(deps: TestDeps): Promise<unknown[]> {
  return ((await control(deps, "GET", "/_emulator/faults")) as { pending: unknown[] }).pending;
}

/**
 * The same deps with a WeCom client of other timeouts/attempts (testDeps builds one with the
 * production defaults: 10 s timeout, 5 attempts). Back-off sleeps still only advance the fake clock.
 */
export function withClient(
  deps: TestDeps,
  opts: { timeoutMs?: number; maxAttempts?: number; db?: Db; onSleep?: (ms: number) => Promise<void> },
): TestDeps {
  const sleep = async (ms: number) => {
    deps.sleeps.push(ms);
    deps.clock.advance(ms);
    // What else happens in the world while this runner waits.
    await opts.onSleep?.(ms);
  };
  const db = opts.db ?? deps.db;
  const wecom = createWecomClient({
    storage: wecomStorage(db, deps.secrets),
    clock: deps.clock,
    logger: deps.logger,
    apiBase: deps.config.wecomApiBase,
    fetch: deps.emulator.fetch,
    sleep,
    budget: deps.config.wecomBudget,
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    ...(opts.maxAttempts === undefined ? {} : { maxAttempts: opts.maxAttempts }),
  });
  return { ...deps, db, wecom };
}

export interface PushedCallback {
  id: number;
  kind: string;
  xml: string;
  outcome: string;
  deliveries: { status?: number; body?: string; error?: string }[];
}

export async function pushedCallbacks(deps: TestDeps): Promise<PushedCallback[]> {
  return ((await control(deps, "GET", "/_emulator/callbacks")) as { callbacks: PushedCallback[] }).callbacks;
}

/** Hands one decrypted callback straight to the contact-change handler, as processInbox would. */
export async function handleContactXml(deps: TestDeps, teamId: number, xml: string): Promise<string> {
  return contactChange(deps, { teamId, inboxId: 0, message: parseMessage(xml) });
}

/**
 * Copies one team's members and departments aside (plain tables in the test's own database), and
 * puts them back exactly, ids included: a cheap reset between replays of a callback sequence.
 */
export function mirrorSnapshot(db: Db, teamId: number, name: string) {
  const m = sql.raw(`snap_${name}_members`);
  const d = sql.raw(`snap_${name}_departments`);
  const team = sql.raw(String(Math.trunc(teamId)));
  return {
    async take(): Promise<void> {
      await db.execute(sql`drop table if exists ${m}`);
      await db.execute(sql`drop table if exists ${d}`);
      await db.execute(sql`create table ${m} as select * from members where team_id = ${team}`);
      await db.execute(sql`create table ${d} as select * from departments where team_id = ${team}`);
    },
    async restore(): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.execute(sql`delete from members where team_id = ${team}`);
        await tx.execute(sql`delete from departments where team_id = ${team}`);
        await tx.execute(sql`insert into members overriding system value select * from ${m}`);
        await tx.execute(sql`insert into departments select * from ${d}`);
      });
    },
    async drop(): Promise<void> {
      await db.execute(sql`drop table if exists ${m}`);
      await db.execute(sql`drop table if exists ${d}`);
    },
  };
}

/**
 * One hash over what mirrorOf compares (departments; members by key with status), computed in the
 * database: cheap enough to check after each of a thousand replays. Equal mirrors, equal hashes.
 */
export async function mirrorFingerprint(db: Db, teamId: number): Promise<string> {
  const [m] = await db
    .select({
      h: sql<string>`md5(coalesce(string_agg(concat_ws('|', ${members.wecomUserKey}, coalesce(${members.wecomUserId}, '~'), ${members.name}, ${members.departmentIds}::text, coalesce(${members.mainDepartmentId}::text, '~'), coalesce(${members.position}, '~'), ${members.status}), E'\n' order by ${members.wecomUserKey} collate "C"), ''))`,
    })
    .from(members)
    .where(eq(members.teamId, teamId));
  const [d] = await db
    .select({
      h: sql<string>`md5(coalesce(string_agg(concat_ws('|', ${departments.id}, ${departments.name}, ${departments.parentId}, ${departments.order}), E'\n' order by ${departments.id}), ''))`,
    })
    .from(departments)
    .where(eq(departments.teamId, teamId));
  return `${d?.h}:${m?.h}`;
}

/** A deterministic PRNG (mulberry32), so a failing order can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Runs `n` steps of a job as a runner whose invocation budget then runs out: it stops between
 * steps and releases the job, so the next call (or another instance) resumes at once.
 */
export async function runSteps(deps: TestDeps, jobId: number, n = 1): Promise<JobRow | null> {
  let checks = 0;
  return runJob({ ...deps, budget: { exhausted: () => checks++ >= n } }, jobId);
}

export async function jobRow(deps: TestDeps, jobId: number): Promise<JobRow> {
  const [row] = await deps.db.select().from(syncJobs).where(eq(syncJobs.id, jobId));
  if (!row) throw new Error(`no job ${jobId}`);
  return row;
}

/** Steps a job until `until` holds for its row (or it is no longer running). */
export async function stepUntil(deps: TestDeps, jobId: number, until: (job: JobRow) => boolean): Promise<JobRow> {
  for (let i = 0; i < 500; i++) {
    const job = await jobRow(deps, jobId);
    if (until(job) || (job.state !== "running" && job.state !== "queued")) return job;
    await runSteps(deps, jobId);
  }
  throw new Error(`job ${jobId} did not get there in 500 steps`);
}

/** The mirror's members WeCom still has (not marked deprovisioned), for comparing with expectedMirror. */
export async function presentMirror(deps: TestDeps, teamId: number): Promise<Mirror> {
  const gone = new Set((await memberRows(deps, teamId)).filter((m) => m.deprovisionedAt !== null).map((m) => m.wecomUserKey));
  const m = await mirror(deps, teamId);
  return { departments: m.departments, members: m.members.filter((x) => !gone.has(x.key)) };
}

/** Members a job staged for deprovision who exist in WeCom now: must always be none. */
export async function stagedButPresent(deps: TestDeps, jobId: number): Promise<string[]> {
  const present = new Set((await emulatorOrg(deps)).users.filter((u) => u.status !== 5).map((u) => u.userid.toLowerCase()));
  const staged = await deps.db
    .select({ key: members.wecomUserKey })
    .from(stagedDeprovisions)
    .innerJoin(members, eq(members.id, stagedDeprovisions.memberId))
    .where(eq(stagedDeprovisions.jobId, jobId));
  return staged.flatMap((s) => (s.key !== null && present.has(s.key) ? [s.key] : []));
}
