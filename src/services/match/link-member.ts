import type { AccountRow } from "../../db/queries/accounts";
import { appendAudit } from "../../db/queries/audit";
import type { MemberRow } from "../../db/queries/directory";
import { deleteNonWecomRow, linkMemberRow } from "../../db/queries/match";
import type { Initiator, MemberRole, MemberStatus } from "../../db/schema";
import type { Db } from "../../db/types";
import { callerLabel, type Caller } from "../accounts/caller";
import { initiatorOf } from "../actor";
import { auditEntry } from "../directory/audit-entry";

export interface LinkContext {
  teamId: number;
  now: Date;
  caller: Caller;
  /** Default: from the caller; "member" when a person links themselves (join, self-binding). */
  initiator?: Initiator;
}

const ROLE_RANK: Record<MemberRole, number> = { owner: 3, admin: 2, member: 1 };

function higherRole(a: MemberRole | null, b: MemberRole | null): MemberRole | null {
  if (!a) return b;
  if (!b) return a;
  return ROLE_RANK[a] >= ROLE_RANK[b] ? a : b;
}

/** The standings that decide access, strongest first (as services/access/team-access.ts judges them). */
const PRECEDENCE: readonly MemberStatus[] = ["locked", "deauthorized", "active"];

export interface Standing {
  status: MemberStatus;
  statusBefore: MemberStatus | null;
  role: MemberRole | null;
}

/**
 * The standing of a WeCom row that absorbs the account's non-WeCom row of the same team: the
 * higher role; the status that access would have judged from both rows (a lock or deauthorization
 * on either wins, else active on either, else the WeCom row's imported/invited). A lock coming from
 * WeCom over an active account returns to active when lifted. A removed non-WeCom row carries nothing.
 */
export function mergeStanding(wecom: MemberRow, other: MemberRow): Standing {
  const own: Standing = { status: wecom.status, statusBefore: wecom.statusBefore, role: wecom.role };
  if (other.status === "removed") return own;
  const role = higherRole(wecom.role, other.role);
  for (const s of PRECEDENCE) {
    if (wecom.status === s) {
      const statusBefore = s !== "active" && other.status === "active" ? "active" : wecom.statusBefore;
      return { status: s, statusBefore, role };
    }
    if (other.status === s) return { status: s, statusBefore: other.statusBefore, role };
  }
  return { ...own, role };
}

/**
 * Links one WeCom member row to an account, keeping the member's status (an imported member stays
 * imported: authorizing is a separate step). When the account is already a non-WeCom member of the
 * team (added via POST /members), that row is merged into the WeCom row — role and standing carried
 * over, then the duplicate row deleted — so the account keeps exactly one row per team (the
 * invariant add-member and access rely on). Nothing is lost: the account is untouched, and the
 * audit log (append-only, keyed by member id) keeps the deleted row's history plus a
 * `member.merged` entry pointing at the row that absorbed it. False when the row was linked or its
 * status changed meanwhile (nothing written).
 */
export async function linkMember(
  tx: Db,
  ctx: LinkContext,
  p: {
    member: MemberRow;
    account: AccountRow;
    by: string;
    nonWecomRow: MemberRow | undefined;
    activate?: boolean;
    /** WeCom vouched (OAuth) that the account's holder is this member: only then may they command the team from WeCom. */
    verified?: boolean;
  },
): Promise<boolean> {
  const { member, account, nonWecomRow } = p;
  const merged = nonWecomRow
    ? mergeStanding(member, nonWecomRow)
    : { status: member.status, statusBefore: member.statusBefore, role: member.role };
  // Joining by invitation makes the member active (the caller has refused locked and deauthorized standings).
  const standing: Standing = p.activate ? { status: "active", statusBefore: null, role: merged.role ?? "member" } : merged;
  // Otherwise, without a merge only the account changes; the standing columns are written only when merging.
  const link = { accountId: account.id, wecomVerifiedAt: p.verified ? ctx.now : null, updatedAt: ctx.now };
  const set =
    nonWecomRow || p.activate ? { ...link, status: standing.status, statusBefore: standing.statusBefore, role: standing.role } : link;
  const linked = await linkMemberRow(tx, { teamId: ctx.teamId, id: member.id, expectStatus: member.status, set });
  if (!linked) return false;
  const base = {
    teamId: ctx.teamId,
    at: ctx.now,
    initiator: ctx.initiator ?? initiatorOf(ctx.caller),
    actor: callerLabel(ctx.caller),
    subjectType: "member" as const,
  };
  const entries = [
    auditEntry({
      ...base,
      action: "member.linked",
      subjectId: member.id,
      before: { accountId: null, status: member.status, role: member.role },
      after: {
        accountId: account.id,
        by: p.by,
        verified: p.verified === true,
        status: standing.status,
        role: standing.role,
        ...(nonWecomRow ? { mergedFrom: nonWecomRow.id } : {}),
      },
    }),
  ];
  if (nonWecomRow && (await deleteNonWecomRow(tx, { teamId: ctx.teamId, id: nonWecomRow.id }))) {
    entries.push(
      auditEntry({
        ...base,
        action: "member.merged",
        subjectId: nonWecomRow.id,
        before: {
          accountId: nonWecomRow.accountId,
          status: nonWecomRow.status,
          statusBefore: nonWecomRow.statusBefore,
          role: nonWecomRow.role,
          name: nonWecomRow.name,
        },
        after: { mergedInto: member.id },
      }),
    );
  }
  await appendAudit(tx, entries);
  return true;
}
