import { appendAudit } from "../../db/queries/audit";
import {
  insertMembers,
  memberAsOf,
  mirroredDepartmentIds,
  stageDeprovision,
  updateMember,
  type MemberRow,
} from "../../db/queries/directory";
import { lockMirror, observeNow, type Observed } from "../../db/queries/observations";
import { readPolicy } from "../../db/queries/policies";
import { deleteSessionsOfAccounts } from "../../db/queries/sessions";
import type { SeenMember } from "../../db/queries/sync-seen";
import { buriedAmong, buriedSince, buryKeys, unburyKeys } from "../../db/queries/tombstones";
import type { Initiator } from "../../db/schema";
import type { Deps } from "../../deps";
import type { WecomApi } from "../../wecom/api";
import { WecomApiError } from "../../wecom/api-error";
import type { WecomUser } from "../../wecom/types";
import { auditEntry } from "./audit-entry";
import { deprovisionChange } from "./deprovision";
import { classifyMemberChange, memberFields, memberHash, seenFields, toSeen, userKey } from "./mirror-shape";

/**
 * `stale`: the mirror holds a later observation of the member, which stands (docs/observations.md).
 * `staged`: gone, and staged for the job's brakes instead of deprovisioned at once.
 */
export type RefreshOutcome = "created" | "updated" | "moved" | "unchanged" | "deprovisioned" | "held" | "absent" | "stale" | "staged";

export interface RefreshInput {
  teamId: number;
  api: WecomApi;
  userId: string;
  initiator: Initiator;
  scopeDepartmentIds: number[] | null;
  /** A sync confirming a missing member: stage it for this job (its brakes decide) instead of deprovisioning it. */
  stageForJob?: number;
  /** The departments the caller's listing covers; without it the mirror's, re-read when the member names one it lacks. */
  departmentsInScope?: Set<number>;
  /**
   * The re-read of a renamed userid: if the member was deprovisioned because a hint about its old
   * userid was re-read after the rename (60111, WeCom does not order hints), it gets its standing back.
   */
  followsRename?: boolean;
}

/**
 * Re-reads the department tree for a member that names departments the mirror lacks (`named`);
 * those still absent after it are remembered as tried (refreshDepartments).
 */
export type Relist = (
  deps: Deps,
  p: Pick<RefreshInput, "teamId" | "api" | "scopeDepartmentIds" | "initiator"> & { named: number[] },
) => Promise<void>;

/**
 * Re-reads one member from WeCom and applies what a full sync would
 * (docs/sync.md#callbacks-are-hints): callbacks are hints, so whatever order or number they arrive
 * in, the member converges to WeCom's state. 60111 (or leaving the mirrored departments) means
 * gone; the team's policy applies, except to owners and admins, who are held for review
 * (docs/sync.md#held-owners-and-admins). The read is stamped before it is sent and applied only
 * where the mirror holds nothing observed later (docs/observations.md). With `relist`, a
 * department the mirror lacks is looked up in a fresh tree first (`seenInMirror`); without it the
 * mirror's tree is taken as current (the caller has just applied one).
 */
export async function readMember(deps: Deps, p: RefreshInput, relist?: Relist): Promise<RefreshOutcome> {
  const at = await observeNow(deps.db);
  let user: WecomUser | null;
  try {
    user = await p.api.getUser(p.userId);
  } catch (err) {
    if (!(err instanceof WecomApiError) || err.errcode !== 60111) throw err;
    user = null;
  }
  const seen = user ? await seenInMirror(deps, p, user, relist) : null;
  return applyMemberObservation(deps, { ...p, key: userKey(p.userId), seen, at });
}

/**
 * Applies a member as a department listing stamped `at` read it (user/list gives what user/get
 * would), with the same rules as readMember's own read: one listing call instead of a user/get
 * per member of a department that appeared or moved. The listing came with a fresh tree, so the
 * mirror's is current.
 */
export async function applyListedMember(
  deps: Deps,
  p: Omit<RefreshInput, "userId"> & { user: WecomUser; at: Observed },
): Promise<RefreshOutcome> {
  const input = { ...p, userId: p.user.userid };
  const seen = await seenInMirror(deps, input, p.user, undefined);
  return applyMemberObservation(deps, { ...input, key: userKey(p.user.userid), seen, at: p.at });
}

async function applyMemberObservation(
  deps: Deps,
  p: RefreshInput & { key: string; seen: SeenMember | null; at: Observed },
): Promise<RefreshOutcome> {
  const now = deps.clock.now();
  const jobId = p.stageForJob ?? null;
  const audit = (m: Pick<MemberRow, "id">, action: string, before: unknown, after: unknown) =>
    auditEntry({
      teamId: p.teamId,
      at: now,
      initiator: p.initiator,
      jobId,
      action,
      subjectType: "member",
      subjectId: m.id,
      before,
      after,
      observedAt: p.at,
    });

  return deps.db.transaction(async (tx) => {
    await lockMirror(tx, { teamId: p.teamId });
    const found = await memberAsOf(tx, { teamId: p.teamId, key: p.key, at: p.at });
    if (found?.newer) return "stale";
    const member = found?.member ?? null;
    if (!p.seen) {
      // Gone as of this read, though the mirror has nothing to deprovision: it still must not take
      // the member back from a listing read before (docs/observations.md).
      if (!member) {
        await buryKeys(tx, { teamId: p.teamId, kind: "member", keys: [p.key], at: p.at });
        return "absent";
      }
      if (member.deprovisionedAt || member.status === "removed") {
        await updateMember(tx, { id: member.id, set: { observedAt: p.at, updatedAt: member.updatedAt } });
        return "absent";
      }
      if (p.stageForJob !== undefined) {
        await stageDeprovision(tx, { jobId: p.stageForJob, member, at: p.at });
        return "staged";
      }
      if (member.role === "owner" || member.role === "admin") {
        await appendAudit(tx, [audit(member, "member.deprovision_held", { status: member.status }, { reason: "protected_role" })]);
        return "held";
      }
      const policy = (await readPolicy(tx, { teamId: p.teamId })).onMemberDeleted;
      const set = deprovisionChange(member, policy, now);
      await updateMember(tx, { id: member.id, set: { ...set, observedAt: p.at } });
      if (member.accountId !== null) await deleteSessionsOfAccounts(tx, { accountIds: [member.accountId] });
      await appendAudit(tx, [audit(member, "member.deprovisioned", { status: member.status }, { status: set.status, policy })]);
      return "deprovisioned";
    }
    const fields = seenFields(p.seen);
    if (!member) {
      // A userid renamed away after this read must not come back (docs/observations.md).
      if ((await buriedSince(tx, { teamId: p.teamId, kind: "member", at: p.at })).has(p.key)) return "stale";
      const [created] = await insertMembers(tx, [
        {
          teamId: p.teamId,
          wecomUserKey: p.seen.userKey,
          ...fields,
          contentHash: memberHash(fields),
          observedAt: p.at,
          status: "imported",
          createdAt: now,
          updatedAt: now,
        },
      ]);
      if (!created) return "unchanged";
      await unburyKeys(tx, { teamId: p.teamId, kind: "member", keys: [p.key] });
      await appendAudit(tx, [audit(created, "member.created", null, fields)]);
      return "created";
    }
    const change = classifyMemberChange(memberFields(member), fields);
    const reappeared = member.deprovisionedAt !== null;
    if (!change && !reappeared) return "unchanged";
    const restored = reappeared && p.followsRename && member.statusBefore !== null && member.status !== member.statusBefore;
    await updateMember(tx, {
      id: member.id,
      set: {
        ...fields,
        contentHash: memberHash(fields),
        observedAt: p.at,
        updatedAt: now,
        ...(reappeared ? { deprovisionedAt: null } : {}),
        ...(restored ? { status: member.statusBefore!, statusBefore: null } : {}),
      },
    });
    if (change) await appendAudit(tx, [audit(member, `member.${change}`, memberFields(member), fields)]);
    if (restored)
      await appendAudit(tx, [
        audit(member, "member.restored", { status: member.status }, { status: member.statusBefore, reason: "renamed_userid" }),
      ]);
    return change ?? "unchanged";
  });
}

/**
 * The member as the mirror would hold it, or null when outside it. A department the mirror does not
 * know may be new, its own event still to come (WeCom does not order them,
 * docs/wecom.md#callback-delivery): the tree is re-read first, with the members of whatever
 * departments changed. A department a re-read tree left out (outside the scope or the app's
 * visibility) is buried with that tree's stamp and not re-read again for it: a change that brings
 * it in comes with its own department event (docs/observations.md#departments-outside-the-mirror).
 * A member the app sees one by one (allow_userinfos) needs no mirrored department, as in a full sync.
 */
async function seenInMirror(deps: Deps, p: RefreshInput, user: WecomUser, relist: Relist | undefined): Promise<SeenMember | null> {
  const named = user.main_department === undefined ? user.department : [...user.department, user.main_department];
  const mirrored = () => mirroredDepartmentIds(deps.db, { teamId: p.teamId, ids: named });
  const listed = p.departmentsInScope;
  const unknown = (known: Set<number>) => (user.status === 5 ? [] : user.department.filter((d) => !known.has(d)));
  // A department the caller's listing lacks (created since) is looked up as a callback would.
  let known = listed && unknown(listed).length === 0 ? listed : await mirrored();
  const missing = unknown(known);
  if (relist && missing.length > 0) {
    const tried = await buriedAmong(deps.db, { teamId: p.teamId, kind: "department", keys: missing.map(String) });
    const untried = missing.filter((d) => !tried.has(String(d)));
    if (untried.length > 0) {
      await relist(deps, { ...p, named: untried });
      known = await mirrored();
    }
  }
  const seen = toSeen(user, (d) => known.has(d));
  if (seen || user.status === 5) return seen;
  if (p.scopeDepartmentIds && p.scopeDepartmentIds.length > 0) return null;
  const agent = await p.api.getAgent();
  const one = agent.allowUserIds.some((id) => userKey(id) === userKey(user.userid));
  return one ? toSeen(user, (d) => known.has(d), true) : null;
}
