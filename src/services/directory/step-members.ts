import { mergeSeenMembers, type SeenMember } from "../../db/queries/sync-seen";
import { WecomApiError, WecomRetryableError } from "../../wecom/api-error";
import { toSeen } from "./mirror-shape";
import { mapLimit, type Step } from "./steps";

const DEPARTMENTS_PER_STEP = 10;
const USERS_PER_STEP = 20;

/** Errors that lose one page but not the run: the run then deprovisions nobody (design §1.10). */
function pageLost(err: unknown): boolean {
  if (err instanceof WecomRetryableError) return true;
  // 60011/60123: the department left the app's range mid-run (wecom-reference §5 step 6).
  return err instanceof WecomApiError && (err.errcode === 60011 || err.errcode === 60123);
}

/** Merges rows of one step by userid so a member in several departments is one row. */
function mergeRows(rows: SeenMember[]): SeenMember[] {
  const byKey = new Map<string, SeenMember>();
  for (const r of rows) {
    const had = byKey.get(r.userKey);
    if (!had) byKey.set(r.userKey, r);
    else had.departmentIds = [...new Set([...had.departmentIds, ...r.departmentIds])].sort((a, b) => a - b);
  }
  return [...byKey.values()];
}

/** user/list per department (≤ 5 in flight), then members visible one by one (user/get). */
export const membersStep: Step = async (ctx) => {
  const api = ctx.wecom();
  const c = ctx.cursor;
  const ids = c.departmentIds ?? [];
  const mirrored = new Set(ids);
  const inScope = (d: number) => mirrored.has(d);
  const deptIndex = c.deptIndex ?? 0;
  let partial = ctx.job.partial;
  const rows: SeenMember[] = [];

  if (deptIndex < ids.length) {
    const batch = ids.slice(deptIndex, deptIndex + DEPARTMENTS_PER_STEP);
    const pages = await mapLimit(batch, 5, async (d) => {
      try {
        return c.strategy === "user/simplelist" ? await api.listSimpleUsers(d) : await api.listUsers(d);
      } catch (err) {
        if (!pageLost(err)) throw err;
        ctx.deps.logger.warn("department page lost", { jobId: ctx.job.id, department: d, error: err });
        partial = true;
        return [];
      }
    });
    for (const page of pages) for (const u of page) {
      const seen = toSeen(u, inScope);
      if (seen) rows.push(seen);
    }
    const next = deptIndex + batch.length;
    return {
      write: (tx) => mergeSeenMembers(tx, { jobId: ctx.job.id, rows: mergeRows(rows) }),
      set: { partial, done: next, cursor: { ...c, deptIndex: next } },
    };
  }

  const extra = c.extraUserIds ?? [];
  const extraIndex = c.extraIndex ?? 0;
  const batch = extra.slice(extraIndex, extraIndex + USERS_PER_STEP);
  await mapLimit(batch, 5, async (userId) => {
    try {
      const seen = toSeen(await api.getUser(userId), inScope, true);
      if (seen) rows.push(seen);
    } catch (err) {
      // 60111: not visible any more — simply absent from the listing (§4.7).
      if (err instanceof WecomApiError && err.errcode === 60111) return;
      if (!pageLost(err)) throw err;
      partial = true;
    }
  });
  const next = extraIndex + batch.length;
  const finished = next >= extra.length;
  return {
    write: (tx) => mergeSeenMembers(tx, { jobId: ctx.job.id, rows: mergeRows(rows) }),
    set: { partial, cursor: { ...c, extraIndex: next }, ...(finished ? { phase: "plan" as const } : {}) },
  };
};
