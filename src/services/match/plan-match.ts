import type { AccountRow } from "../../db/queries/accounts";
import type { MemberRow } from "../../db/queries/directory";

/**
 * Exact keys that link at once. Only the userid today: WeCom can also give a member's email and
 * mobile, but the mirror stores neither (no column on `members`), so "email = account email" cannot
 * be compared yet. When the mirror learns the email, add it in `exactKeys` below; the rest of the
 * planner (uniqueness, conflicts) already handles several exact keys per member.
 */
export type LinkKey = "userid" | "email";

export interface PlanInput {
  /** The team's unlinked WeCom members (not removed). */
  members: MemberRow[];
  /** Accounts by lower-cased username (the WeCom userid key compares the same way). */
  byUsernameKey: Map<string, AccountRow>;
  /** Accounts by exact display name. */
  byName: Map<string, AccountRow[]>;
  /** Accounts already linked to a WeCom member of this team: never linked again. */
  taken: Set<number>;
}

export interface PlannedLink {
  member: MemberRow;
  account: AccountRow;
  by: LinkKey;
}

export interface PlannedSuggestion {
  member: MemberRow;
  account: AccountRow;
}

export interface PlannedConflict {
  member: MemberRow;
  candidates: AccountRow[];
}

export interface MatchPlan {
  links: PlannedLink[];
  suggested: PlannedSuggestion[];
  conflicts: PlannedConflict[];
}

function exactKeys(member: MemberRow, input: PlanInput): { account: AccountRow; by: LinkKey }[] {
  const out: { account: AccountRow; by: LinkKey }[] = [];
  const byUserid = member.wecomUserKey ? input.byUsernameKey.get(member.wecomUserKey) : undefined;
  if (byUserid && !input.taken.has(byUserid.id)) out.push({ account: byUserid, by: "userid" });
  // Email (and mobile): not mirrored from WeCom yet, so nothing to compare (see LinkKey).
  return out;
}

function uniqueAccounts(list: AccountRow[]): AccountRow[] {
  const seen = new Map<number, AccountRow>();
  for (const a of list) seen.set(a.id, a);
  return [...seen.values()].sort((a, b) => a.id - b.id);
}

/** Groups tentative picks by account: an account picked for two or more members is a conflict for each. */
function splitShared<T extends { member: MemberRow; account: AccountRow }>(picks: T[], conflicts: PlannedConflict[]): T[] {
  const perAccount = new Map<number, number>();
  for (const p of picks) perAccount.set(p.account.id, (perAccount.get(p.account.id) ?? 0) + 1);
  const kept: T[] = [];
  for (const p of picks) {
    if ((perAccount.get(p.account.id) ?? 0) > 1) conflicts.push({ member: p.member, candidates: [p.account] });
    else kept.push(p);
  }
  return kept;
}

/**
 * Decides, without writing anything, what one-click match does (design §1.5):
 * 1. a member with exactly one exact key (userid = username) whose name points at no other
 *    account links; an exact key and a name pointing at different accounts is a conflict;
 * 2. among the rest, a name shared by exactly one free account is a suggestion, by two or more
 *    a conflict; accounts linked in step 1 are no longer free;
 * 3. an account that would be linked to (or suggested for) two members is a conflict for both.
 */
export function planMatch(input: PlanInput): MatchPlan {
  const conflicts: PlannedConflict[] = [];
  const decided = new Set<number>();
  const tentative: PlannedLink[] = [];
  for (const member of input.members) {
    const exact = exactKeys(member, input);
    if (exact.length === 0) continue;
    decided.add(member.id);
    const named = (input.byName.get(member.name) ?? []).filter((a) => !input.taken.has(a.id));
    const exactIds = new Set(exact.map((e) => e.account.id));
    const others = named.filter((a) => !exactIds.has(a.id));
    const first = exact[0];
    if (first && exact.length === 1 && others.length === 0) tentative.push({ member, account: first.account, by: first.by });
    else conflicts.push({ member, candidates: uniqueAccounts([...exact.map((e) => e.account), ...others]) });
  }
  const links = splitShared(tentative, conflicts);
  const linking = new Set(links.map((l) => l.account.id));

  const maybe: PlannedSuggestion[] = [];
  for (const member of input.members) {
    if (decided.has(member.id)) continue;
    const named = uniqueAccounts((input.byName.get(member.name) ?? []).filter((a) => !input.taken.has(a.id) && !linking.has(a.id)));
    const only = named[0];
    if (named.length === 1 && only) maybe.push({ member, account: only });
    else if (named.length > 1) conflicts.push({ member, candidates: named });
  }
  const suggested = splitShared(maybe, conflicts);

  const byMember = <T extends { member: MemberRow }>(a: T, b: T) => a.member.id - b.member.id;
  return { links: links.sort(byMember), suggested: suggested.sort(byMember), conflicts: conflicts.sort(byMember) };
}
