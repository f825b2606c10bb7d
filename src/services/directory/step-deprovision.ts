import { appendAudit } from "../../db/queries/audit";
import { stagedPage, updateMember } from "../../db/queries/directory";
import { lockMirror } from "../../db/queries/observations";
import { readPolicy } from "../../db/queries/policies";
import { deleteSessionsOfAccounts } from "../../db/queries/sessions";
import { auditEntry } from "./audit-entry";
import { deprovisionChange } from "./deprovision";
import type { Step } from "./steps";

const PER_STEP = 500;

/**
 * Applies the staged set (never protected roles: docs/sync.md#held-owners-and-admins) under the
 * team's policy: under the mirror lock, and only to members of whom nothing newer was observed than
 * the re-read that confirmed them gone (docs/observations.md) — one re-added while the breaker
 * waited stays.
 */
export const deprovisionStep: Step = async (ctx) => {
  const now = ctx.deps.clock.now();
  if (ctx.cursor.skipDeprovisions) return { set: { phase: "done" } };
  const policy = (await readPolicy(ctx.deps.db, { teamId: ctx.teamId })).onMemberDeleted;
  const afterMemberId = ctx.cursor.afterMemberId ?? 0;
  let applied = 0;
  let lastId: number | null = null;
  return {
    write: async (tx) => {
      await lockMirror(tx, { teamId: ctx.teamId });
      const page = await stagedPage(tx, { jobId: ctx.job.id, afterMemberId, limit: PER_STEP, includeProtected: false });
      const changes = page.map(({ member, staged }) => ({
        member,
        set: { ...deprovisionChange(member, policy, now), ...(staged.observedAt ? { observedAt: staged.observedAt } : {}) },
      }));
      for (const c of changes) await updateMember(tx, { id: c.member.id, set: c.set });
      // Lock and deauthorize end the member's sessions (docs/sync.md#deletion-policies); remove takes the membership.
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
            observedAt: c.set.observedAt ?? null,
          }),
        ),
      );
      applied = changes.length;
      lastId = page[page.length - 1]?.member.id ?? null;
    },
    get set() {
      if (lastId === null) return { phase: "done" as const };
      const counts = structuredClone(ctx.job.counts);
      counts.members.deprovisioned += applied;
      return { counts, done: ctx.job.done + applied, cursor: { ...ctx.cursor, afterMemberId: lastId } };
    },
  };
};
