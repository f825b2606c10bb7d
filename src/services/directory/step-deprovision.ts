import { appendAudit } from "../../db/queries/audit";
import { stagedPage, updateMember } from "../../db/queries/directory";
import { readPolicy } from "../../db/queries/policies";
import { deleteSessionsOfAccounts } from "../../db/queries/sessions";
import { auditEntry } from "./audit-entry";
import { deprovisionChange } from "./deprovision";
import type { Step } from "./steps";

const PER_STEP = 500;

/** Applies the staged set (never protected roles: design §1.10) under the team's policy. */
export const deprovisionStep: Step = async (ctx) => {
  const db = ctx.deps.db;
  const now = ctx.deps.clock.now();
  if (ctx.cursor.skipDeprovisions) return { set: { phase: "done" } };
  const page = await stagedPage(db, { jobId: ctx.job.id, afterMemberId: ctx.cursor.afterMemberId ?? 0, limit: PER_STEP, includeProtected: false });
  if (page.length === 0) return { set: { phase: "done" } };
  const policy = (await readPolicy(db, { teamId: ctx.teamId })).onMemberDeleted;
  const counts = structuredClone(ctx.job.counts);
  const changes = page.map(({ member }) => ({ member, set: deprovisionChange(member, policy, now) }));
  counts.members.deprovisioned += changes.length;
  return {
    write: async (tx) => {
      for (const c of changes) await updateMember(tx, { id: c.member.id, set: c.set });
      // Lock and deauthorize end the member's sessions (design §1.9); remove takes the membership.
      await deleteSessionsOfAccounts(tx, { accountIds: changes.flatMap((c) => (c.member.accountId === null ? [] : [c.member.accountId])) });
      await appendAudit(
        tx,
        changes.map((c) =>
          auditEntry({
            teamId: ctx.teamId,
            at: now,
            initiator: ctx.job.initiator,
            jobId: ctx.job.id,
            action: "member.deprovisioned",
            subjectType: "member",
            subjectId: c.member.id,
            before: { status: c.member.status },
            after: { status: c.set.status, policy },
          }),
        ),
      );
    },
    set: { counts, done: ctx.job.done + page.length, cursor: { ...ctx.cursor, afterMemberId: page[page.length - 1]!.member.id } },
  };
};
