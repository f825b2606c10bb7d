import { appendAudit, type AuditEntry } from "../../db/queries/audit";
import { deleteDepartments, teamDepartments, upsertDepartments } from "../../db/queries/directory";
import { createMembersInRange, type MirroredMember, seenChangesPage, updateMembers } from "../../db/queries/sync-apply";
import { seenDepartments } from "../../db/queries/sync-seen";
import type { Db } from "../../db/types";
import { auditEntry } from "./audit-entry";
import type { JobContext } from "./job-context";
import { diffDepartments } from "./department-diff";
import { classifyMemberChange, memberFields, memberHash, seenFields } from "./mirror-shape";
import type { Step } from "./steps";

/**
 * Seen members per step. New members are created inside PostgreSQL and unchanged ones only
 * compared there, so a step of 5,000 (5 % of a 100,000-member run) takes well under a second:
 * progress still moves every second (issue 5), with 20 commits instead of 200.
 */
const MEMBERS_PER_STEP = 5_000;

/** Departments first (a few thousand at most, one step), then members in key order, batched. */
export const applyStep: Step = async (ctx) => (ctx.cursor.departmentsApplied ? applyMembers(ctx) : applyDepartments(ctx));

async function applyDepartments(ctx: JobContext) {
  const db = ctx.deps.db;
  const seen = await seenDepartments(db, { jobId: ctx.job.id });
  const diff = diffDepartments({
    teamId: ctx.teamId,
    seen,
    // An untrusted listing (empty, shrunk, partial) deletes no department either.
    keepMissing: ctx.cursor.skipDeprovisions !== undefined && ctx.cursor.skipDeprovisions !== "rejected",
    mirror: await teamDepartments(db, { teamId: ctx.teamId }),
    now: ctx.deps.clock.now(),
    initiator: ctx.job.initiator,
    jobId: ctx.job.id,
  });
  const counts = { ...ctx.job.counts, departments: diff.counts };
  return {
    write: async (tx: Db) => {
      await upsertDepartments(tx, diff.upserts);
      await deleteDepartments(tx, { teamId: ctx.teamId, ids: diff.gone.map((d) => d.id) });
      await appendAudit(tx, diff.audit);
    },
    set: { counts, done: ctx.job.done + seen.length, cursor: { ...ctx.cursor, departmentsApplied: true } },
  };
}

async function applyMembers(ctx: JobContext) {
  const db = ctx.deps.db;
  const now = ctx.deps.clock.now();
  const page = await seenChangesPage(db, { teamId: ctx.teamId, jobId: ctx.job.id, afterKey: ctx.cursor.afterKey ?? "", limit: MEMBERS_PER_STEP });
  if (page.n === 0 || page.lastKey === null) return { set: { phase: "deprovision" as const, cursor: { ...ctx.cursor, afterMemberId: 0 } } };

  const counts = structuredClone(ctx.job.counts);
  const audit: AuditEntry[] = [];
  const updates: (MirroredMember & { id: number; reappeared: boolean })[] = [];
  for (const { seen, member } of page.rows) {
    const fields = seenFields(seen);
    const before = memberFields(member);
    const change = classifyMemberChange(before, fields);
    // Seen again after being deprovisioned: the mark goes, the standing stays for an admin (§1.9).
    if (!change && !member.deprovisioned) continue;
    const { wecomUserId: userId, ...rest } = fields;
    updates.push({ userKey: seen.userKey, userId, ...rest, contentHash: memberHash(fields), id: member.id, reappeared: member.deprovisioned });
    if (change) {
      counts.members[change]++;
      audit.push(auditEntry({ teamId: ctx.teamId, at: now, initiator: ctx.job.initiator, jobId: ctx.job.id, action: `member.${change}`, subjectType: "member", subjectId: member.id, before, after: fields }));
    }
  }
  const range = { afterKey: ctx.cursor.afterKey ?? "", lastKey: page.lastKey };
  return {
    write: async (tx: Db) => {
      await updateMembers(tx, { now, rows: updates });
      await appendAudit(tx, audit);
      if (page.creates > 0) counts.members.created += await createMembersInRange(tx, { teamId: ctx.teamId, jobId: ctx.job.id, now, initiator: ctx.job.initiator, ...range });
    },
    get set() {
      return { counts, done: ctx.job.done + page.n, cursor: { ...ctx.cursor, afterKey: range.lastKey } };
    },
  };
}
