import { appendAudit, type AuditEntry } from "../../db/queries/audit";
import { lockMirror, observeNow } from "../../db/queries/observations";
import { createMembersInRange, type MirroredMember, seenChangesPage, seenPageEnd, updateMembers } from "../../db/queries/sync-apply";
import { addJobCounts } from "../../db/queries/sync-jobs";
import { seenDepartments } from "../../db/queries/sync-seen";
import type { Db } from "../../db/types";
import { auditEntry } from "./audit-entry";
import type { JobContext } from "./job-context";
import { applyDepartmentTree } from "./apply-departments";
import { classifyMemberChange, memberFields, memberHash, seenFields } from "./mirror-shape";
import type { Step } from "./steps";

/**
 * Seen members per page. New members are created inside PostgreSQL and unchanged ones only
 * compared there, so a page of 5,000 (5 % of a 100,000-member run) takes well under a second:
 * progress still moves every second (docs/sync.md#job-steps).
 */
const MEMBERS_PER_PAGE = 5_000;

/** Departments first (a few thousand at most, one step), then members in key order, batched. */
export const applyStep: Step = async (ctx) => (ctx.cursor.departmentsApplied ? applyMembers(ctx) : applyDepartments(ctx));

async function applyDepartments(ctx: JobContext) {
  const db = ctx.deps.db;
  const seen = await seenDepartments(db, { jobId: ctx.job.id });
  // A job begun before read times were kept has none: its tree counts as read now.
  const observedAt = ctx.cursor.listedAt ?? (await observeNow(db));
  let counts = ctx.job.counts;
  return {
    write: async (tx: Db) => {
      const diff = await applyDepartmentTree(tx, {
        teamId: ctx.teamId,
        seen,
        observedAt,
        // An untrusted listing (empty, shrunk, partial) deletes no department either.
        keepMissing: ctx.cursor.skipDeprovisions !== undefined && ctx.cursor.skipDeprovisions !== "rejected",
        now: ctx.deps.clock.now(),
        initiator: ctx.job.initiator,
        jobId: ctx.job.id,
      });
      counts = { ...ctx.job.counts, departments: diff.counts };
    },
    get set() {
      return { counts, done: ctx.job.done + seen.length, cursor: { ...ctx.cursor, departmentsApplied: true } };
    },
  };
}

/**
 * Apply pages run two at a time, each in a transaction of its own that also adds its counts to
 * the job (addJobCounts): creating 100,000 members and their audit rows is one
 * PostgreSQL core's work for seconds while the service waits, and a second backend halves it.
 * The step's own commit then only moves the cursor past both pages. A crash between the two
 * commits repeats the pages, which then find nothing left to do and count nothing.
 */
const PAGES_AT_ONCE = 2;

async function applyMembers(ctx: JobContext) {
  const db = ctx.deps.db;
  const ranges: PageRange[] = [];
  let afterKey = ctx.cursor.afterKey ?? "";
  let done = ctx.job.done;
  while (ranges.length < PAGES_AT_ONCE) {
    const end = await seenPageEnd(db, { jobId: ctx.job.id, afterKey, limit: MEMBERS_PER_PAGE });
    if (end.n === 0 || end.lastKey === null) break;
    ranges.push({ afterKey, lastKey: end.lastKey });
    afterKey = end.lastKey;
    // Progress moves with the cursor, not with the pages: pages repeated after a crash count again.
    done += end.n;
  }
  if (ranges.length === 0) return { set: { phase: "deprovision" as const, cursor: { ...ctx.cursor, afterMemberId: 0 } } };
  // Every page settles before the step answers, so a failed step leaves no page still writing.
  const settled = await Promise.allSettled(ranges.map((r) => db.transaction((tx) => applyPage(ctx, tx, r))));
  for (const s of settled) if (s.status === "rejected") throw s.reason;
  return { set: { done, cursor: { ...ctx.cursor, afterKey } } };
}

/** A page of seen members: the keys in (afterKey, lastKey]. */
interface PageRange {
  afterKey: string;
  lastKey: string;
}

/** One page's comparison with the mirror, its updates, audit entries, creates and counts, in one transaction. */
async function applyPage(ctx: JobContext, tx: Db, { afterKey, lastKey }: PageRange): Promise<void> {
  const now = ctx.deps.clock.now();
  // Shared: pages write disjoint keys; a callback's re-read waits, so what this page compares
  // with is what it overwrites (docs/observations.md).
  await lockMirror(tx, { teamId: ctx.teamId, shared: true });
  // The seen rows hold still in apply (merges end with the members phase): these are the range's.
  const page = await seenChangesPage(tx, { teamId: ctx.teamId, jobId: ctx.job.id, afterKey, limit: MEMBERS_PER_PAGE });
  const counts = { created: 0, updated: 0, moved: 0 };
  const audit: AuditEntry[] = [];
  const updates: (MirroredMember & { id: number; reappeared: boolean })[] = [];
  for (const { seen, member } of page.rows) {
    const fields = seenFields(seen);
    const before = memberFields(member);
    const change = classifyMemberChange(before, fields);
    // Seen again after being deprovisioned: the mark goes, the standing stays for an admin (docs/sync.md#deletion-policies).
    if (!change && !member.deprovisioned) continue;
    const { wecomUserId: userId, ...rest } = fields;
    updates.push({
      userKey: seen.userKey,
      userId,
      ...rest,
      contentHash: memberHash(fields),
      observedAt: seen.observedAt,
      id: member.id,
      reappeared: member.deprovisioned,
    });
    if (change) {
      counts[change]++;
      audit.push(
        auditEntry({
          teamId: ctx.teamId,
          at: now,
          initiator: ctx.job.initiator,
          jobId: ctx.job.id,
          action: `member.${change}`,
          subjectType: "member",
          subjectId: member.id,
          before,
          after: fields,
          observedAt: seen.observedAt,
        }),
      );
    }
  }
  await updateMembers(tx, { now, rows: updates });
  await appendAudit(tx, audit);
  if (page.creates > 0) {
    counts.created = await createMembersInRange(tx, {
      teamId: ctx.teamId,
      jobId: ctx.job.id,
      now,
      initiator: ctx.job.initiator,
      afterKey,
      lastKey,
    });
  }
  await addJobCounts(tx, { jobId: ctx.job.id, runnerId: ctx.job.runnerId ?? "", now, members: counts });
}
