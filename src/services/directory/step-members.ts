import { NEVER, observeSeries, type Observed } from "../../db/queries/observations";
import {
  listingKeys,
  mergeSeenMembers,
  mergeSeenMembersWhileHolding,
  type ListingKeys,
  type SeenMember,
  type SeenMerge,
} from "../../db/queries/sync-seen";
import { WecomApiError, WecomRetryableError } from "../../wecom/api-error";
import type { WecomSimpleUser, WecomUser } from "../../wecom/types";
import { toSeen } from "./mirror-shape";
import { mapLimit, type Step } from "./steps";

/**
 * Departments read per step: at least 10, or 1 % of a large org; while pages come back fast the
 * step reads on, up to 25 %, for STEP_MS. Progress then moves at least every 1 % or about every
 * STEP_MS (docs/sync.md#job-steps: every second or every 1 %), and a 2,000-department org is about six commits,
 * not 200: each step's end (last merge, commit, next step's start) is time no page is read.
 * 600 ms, not 300: half the step ends, still well inside the second (BENCHMARKS.md, import).
 */
const departmentsPerStep = (total: number) => ({ least: Math.max(10, Math.ceil(total / 100)), most: Math.max(10, Math.ceil(total / 4)) });
const STEP_MS = 600;
const USERS_PER_STEP = 20;
/** Rows gathered from pages before they are merged while the step reads on (and at half-way): each merge costs about 2 ms besides its rows, so 100 merges per 100,000 members, not 400. */
const FLUSH_ROWS = 1_000;

/** Errors that lose one page but not the run: the run then deprovisions nobody (docs/sync.md#brakes). */
function pageLost(err: unknown): boolean {
  if (err instanceof WecomRetryableError) return true;
  // 60011/60123: the department left the app's range mid-run (docs/sync.md#brakes).
  return err instanceof WecomApiError && (err.errcode === 60011 || err.errcode === 60123);
}

/**
 * Merges rows of one step by userid so a member in several departments is one row — the one from
 * the page read last, fields and read time together (docs/observations.md) — then sorts them
 * against what the job has recorded and the mirror (`keys`, updated here): a listing equal to the
 * one recorded, or read before it, is dropped; a member recorded with other fields is merged
 * `again`; a member whose hash is the mirror's is unchanged, kept only as a key; the rest is
 * `fresh`, staged in full. The mirror's hashes leave out members marked deprovisioned, so those
 * are staged (they reappeared).
 */
function mergeRows(jobId: number, rows: SeenMember[], keys: ListingKeys): SeenMerge {
  const byKey = new Map<string, SeenMember>();
  for (const r of rows) {
    const had = byKey.get(r.userKey);
    if (!had || readTime(had) < readTime(r)) byKey.set(r.userKey, r);
  }
  const merge: SeenMerge = { jobId, fresh: [], again: [], unchangedKeys: [] };
  for (const r of byKey.values()) {
    const hash = r.contentHash ?? null;
    const known = keys.get(r.userKey);
    if (typeof known === "object") {
      // Recorded by this job: updated in place.
      if (known.hash === hash || readTime(r) <= known.at) continue;
      merge.again.push(r);
      known.hash = hash;
      known.at = readTime(r);
      continue;
    }
    if (hash !== null && known === hash) merge.unchangedKeys.push(r.userKey);
    else merge.fresh.push(r);
    keys.set(r.userKey, { hash, at: readTime(r) });
  }
  return merge;
}

const readTime = (r: SeenMember) => r.observedAt ?? NEVER;

/** user/list per department (≤ 5 in flight), then members visible one by one (user/get). */
export const membersStep: Step = async (ctx) => {
  const api = ctx.wecom();
  const c = ctx.cursor;
  const ids = c.departmentIds ?? [];
  const mirrored = new Set(ids);
  const inScope = (d: number) => mirrored.has(d);
  // A member in a department the run's tree lacks (created or moved in since) is seen through that
  // older tree: its departments are as of the tree's read, and so is its read time (docs/observations.md).
  const tree = c.treeIds ? new Set(c.treeIds) : mirrored;
  const readAt = (u: WecomUser | WecomSimpleUser, at: Observed) => (u.department.every((d) => tree.has(d)) ? at : (c.listedAt ?? NEVER));
  const deptIndex = c.deptIndex ?? 0;
  let partial = ctx.job.partial;
  const rows: SeenMember[] = [];
  const keys = (ctx.memo.keys ??= await listingKeys(ctx.deps.db, { teamId: ctx.teamId, jobId: ctx.job.id }));

  if (deptIndex < ids.length) {
    const size = departmentsPerStep(ids.length);
    const started = ctx.deps.clock.now().getTime();
    const batch = ids.slice(deptIndex, deptIndex + size.most);
    let taken = 0;
    const runnerId = ctx.job.runnerId;
    // Rows are merged while later pages are still being read, so PostgreSQL and WeCom work at the
    // same time; what is left when the last page arrives commits with the cursor.
    let pending: SeenMember[] = [];
    let writes = Promise.resolve();
    let failed: { error: unknown } | undefined;
    let read = 0;
    const half = Math.ceil(Math.min(batch.length, size.least) / 2);
    // Every page's stamp in one statement before the first request, handed out in the order the
    // pages are requested: each is still taken before its request (docs/observations.md).
    const stamps = await observeSeries(ctx.deps.db, batch.length);
    const flush = () => {
      if (runnerId === null) return;
      const chunk = mergeRows(ctx.job.id, pending, keys);
      pending = [];
      writes = writes
        .then(() => (failed ? undefined : mergeSeenMembersWhileHolding(ctx.deps.db, { ...chunk, runnerId })))
        .catch((error: unknown) => {
          failed ??= { error };
        });
    };
    const reads = mapLimit(batch, 5, async (d) => {
      if (failed || (taken >= size.least && ctx.deps.clock.now().getTime() - started > STEP_MS)) return;
      const at = stamps[taken++]!;
      let page: (WecomUser | WecomSimpleUser)[];
      try {
        page = c.strategy === "user/simplelist" ? await api.listSimpleUsers(d) : await api.listUsers(d);
      } catch (err) {
        if (!pageLost(err)) throw err;
        ctx.deps.logger.warn("department page lost", { jobId: ctx.job.id, department: d, error: err });
        partial = true;
        return;
      }
      for (const u of page) {
        const seen = toSeen(u, inScope);
        if (!seen) continue;
        seen.observedAt = readAt(u, at);
        pending.push(seen);
      }
      read++;
      if (pending.length >= FLUSH_ROWS || read === half) flush();
    });
    // A failed read fails the step only once no merge is in flight any more.
    await reads.finally(() => writes);
    if (failed) throw failed.error;
    const next = deptIndex + taken;
    const rest = mergeRows(ctx.job.id, pending, keys);
    return {
      write: (tx) => mergeSeenMembers(tx, rest),
      set: { partial, done: next, cursor: { ...c, deptIndex: next } },
    };
  }

  const extra = c.extraUserIds ?? [];
  const extraIndex = c.extraIndex ?? 0;
  const batch = extra.slice(extraIndex, extraIndex + USERS_PER_STEP);
  const stamps = await observeSeries(ctx.deps.db, batch.length);
  let stamped = 0;
  await mapLimit(batch, 5, async (userId) => {
    const at = stamps[stamped++]!;
    try {
      const user = await api.getUser(userId);
      const seen = toSeen(user, inScope, true);
      if (!seen) return;
      seen.observedAt = readAt(user, at);
      rows.push(seen);
    } catch (err) {
      // 60111: not visible any more — simply absent from the listing (docs/wecom.md#userget).
      if (err instanceof WecomApiError && err.errcode === 60111) return;
      if (!pageLost(err)) throw err;
      partial = true;
    }
  });
  const next = extraIndex + batch.length;
  const finished = next >= extra.length;
  return {
    write: (tx) => mergeSeenMembers(tx, mergeRows(ctx.job.id, rows, keys)),
    set: { partial, cursor: { ...c, extraIndex: next }, ...(finished ? { phase: "plan" as const } : {}) },
  };
};
