import { appendAudit, type AuditEntry } from "../../db/queries/audit";
import { deleteDepartments, insertMembers, type NewMember, seenWithMirror, teamDepartments, updateMember, upsertDepartments } from "../../db/queries/directory";
import { seenDepartments } from "../../db/queries/sync-seen";
import type { Db } from "../../db/types";
import { auditEntry } from "./audit-entry";
import type { JobContext } from "./job-context";
import { diffDepartments } from "./department-diff";
import { classifyMemberChange, memberFields, memberHash, seenFields } from "./mirror-shape";
import type { Step } from "./steps";

const MEMBERS_PER_STEP = 500;

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
  const page = await seenWithMirror(db, { teamId: ctx.teamId, jobId: ctx.job.id, afterKey: ctx.cursor.afterKey ?? "", limit: MEMBERS_PER_STEP });
  if (page.length === 0) return { set: { phase: "deprovision" as const, cursor: { ...ctx.cursor, afterMemberId: 0 } } };

  const counts = structuredClone(ctx.job.counts);
  const audit: AuditEntry[] = [];
  const creates: NewMember[] = [];
  const updates: { id: number; fields: ReturnType<typeof seenFields>; reappeared: boolean }[] = [];
  for (const { seen, member } of page) {
    const fields = seenFields(seen);
    if (!member) {
      creates.push({ teamId: ctx.teamId, wecomUserKey: seen.userKey, ...fields, contentHash: memberHash(fields), status: "imported" as const, createdAt: now, updatedAt: now });
      continue;
    }
    const change = classifyMemberChange(memberFields(member), fields);
    // Seen again after being deprovisioned: the mark goes, the standing stays for an admin (§1.9).
    const reappeared = member.deprovisionedAt !== null;
    if (!change && !reappeared) continue;
    updates.push({ id: member.id, fields, reappeared });
    if (change) {
      counts.members[change]++;
      audit.push(auditEntry({ teamId: ctx.teamId, at: now, initiator: ctx.job.initiator, jobId: ctx.job.id, action: `member.${change}`, subjectType: "member", subjectId: member.id, before: memberFields(member), after: fields }));
    }
  }
  return {
    write: async (tx: Db) => {
      const inserted = await insertMembers(tx, creates);
      counts.members.created += inserted.length;
      for (const m of inserted) {
        audit.push(auditEntry({ teamId: ctx.teamId, at: now, initiator: ctx.job.initiator, jobId: ctx.job.id, action: "member.created", subjectType: "member", subjectId: m.id, after: memberFields(m) }));
      }
      for (const u of updates) {
        await updateMember(tx, { id: u.id, set: { ...u.fields, contentHash: memberHash(u.fields), updatedAt: now, ...(u.reappeared ? { deprovisionedAt: null } : {}) } });
      }
      await appendAudit(tx, audit);
    },
    get set() {
      return { counts, done: ctx.job.done + page.length, cursor: { ...ctx.cursor, afterKey: page[page.length - 1]!.seen.userKey } };
    },
  };
}
