import { appendAudit } from "../../db/queries/audit";
import { findMemberByKey, insertMembers, teamDepartments, updateMember, type MemberRow } from "../../db/queries/directory";
import { readPolicy } from "../../db/queries/policies";
import { deleteSessionsOfAccounts } from "../../db/queries/sessions";
import type { Initiator } from "../../db/schema";
import type { Deps } from "../../deps";
import type { WecomApi } from "../../wecom/api";
import { WecomApiError } from "../../wecom/api-error";
import type { WecomUser } from "../../wecom/types";
import { auditEntry } from "./audit-entry";
import { deprovisionChange } from "./deprovision";
import type { SeenMember } from "../../db/queries/sync-seen";
import { classifyMemberChange, memberFields, memberHash, seenFields, toSeen, userKey } from "./mirror-shape";
import { refreshDepartments } from "./refresh-departments";

export type RefreshOutcome = "created" | "updated" | "moved" | "unchanged" | "deprovisioned" | "held" | "absent";

/**
 * Re-reads one member from WeCom and applies what a full sync would (design §1.8): callbacks are
 * hints, so whatever order or number they arrive in, the member converges to WeCom's state.
 * 60111 (or leaving the mirrored departments) means gone; the team's policy applies, except to
 * owners and admins, who are held for review (design §1.10).
 */
export async function refreshMember(
  deps: Deps,
  p: { teamId: number; api: WecomApi; userId: string; initiator: Initiator; scopeDepartmentIds: number[] | null },
): Promise<RefreshOutcome> {
  let user: WecomUser | null;
  try {
    user = await p.api.getUser(p.userId);
  } catch (err) {
    if (!(err instanceof WecomApiError) || err.errcode !== 60111) throw err;
    user = null;
  }
  const seen = user ? await seenInMirror(deps, p, user) : null;
  const now = deps.clock.now();
  const audit = (m: Pick<MemberRow, "id">, action: string, before: unknown, after: unknown) =>
    auditEntry({ teamId: p.teamId, at: now, initiator: p.initiator, action, subjectType: "member", subjectId: m.id, before, after });

  return deps.db.transaction(async (tx) => {
    const member = await findMemberByKey(tx, { teamId: p.teamId, key: userKey(p.userId) });
    if (!seen) {
      if (!member || member.deprovisionedAt || member.status === "removed") return "absent";
      if (member.role === "owner" || member.role === "admin") {
        await appendAudit(tx, [audit(member, "member.deprovision_held", { status: member.status }, { reason: "protected_role" })]);
        return "held";
      }
      const policy = (await readPolicy(tx, { teamId: p.teamId })).onMemberDeleted;
      const set = deprovisionChange(member, policy, now);
      await updateMember(tx, { id: member.id, set });
      if (member.accountId !== null) await deleteSessionsOfAccounts(tx, { accountIds: [member.accountId] });
      await appendAudit(tx, [audit(member, "member.deprovisioned", { status: member.status }, { status: set.status, policy })]);
      return "deprovisioned";
    }
    const fields = seenFields(seen);
    if (!member) {
      const [created] = await insertMembers(tx, [
        { teamId: p.teamId, wecomUserKey: seen.userKey, ...fields, contentHash: memberHash(fields), status: "imported", createdAt: now, updatedAt: now },
      ]);
      if (!created) return "unchanged";
      await appendAudit(tx, [audit(created, "member.created", null, fields)]);
      return "created";
    }
    const change = classifyMemberChange(memberFields(member), fields);
    const reappeared = member.deprovisionedAt !== null;
    if (!change && !reappeared) return "unchanged";
    await updateMember(tx, { id: member.id, set: { ...fields, contentHash: memberHash(fields), updatedAt: now, ...(reappeared ? { deprovisionedAt: null } : {}) } });
    if (change) await appendAudit(tx, [audit(member, `member.${change}`, memberFields(member), fields)]);
    return change ?? "unchanged";
  });
}

/**
 * The member as the mirror would hold it, or null when outside it. A department the mirror does
 * not know may be new, its own event still to come (WeCom does not order them, §1.1): the tree is
 * re-read first, with the members of whatever departments changed. A member the app sees one by
 * one (allow_userinfos) needs no mirrored department, as in a full sync.
 */
async function seenInMirror(
  deps: Deps,
  p: { teamId: number; api: WecomApi; initiator: Initiator; scopeDepartmentIds: number[] | null },
  user: WecomUser,
): Promise<SeenMember | null> {
  const mirrored = async () => new Set((await teamDepartments(deps.db, { teamId: p.teamId })).map((d) => d.id));
  let known = await mirrored();
  if (user.status !== 5 && user.department.some((d) => !known.has(d))) {
    await refreshDepartments(deps, p);
    known = await mirrored();
  }
  const seen = toSeen(user, (d) => known.has(d));
  if (seen || user.status === 5) return seen;
  if (p.scopeDepartmentIds && p.scopeDepartmentIds.length > 0) return null;
  const agent = await p.api.getAgent();
  const one = agent.allowUserIds.some((id) => userKey(id) === userKey(user.userid));
  return one ? toSeen(user, (d) => known.has(d), true) : null;
}
