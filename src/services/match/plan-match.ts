import type { AccountRow } from "../../db/queries/accounts";
import type { MemberRow } from "../../db/queries/directory";

/**
 * Exact keys that link at once: the userid equal to a username (ignoring case). An email WeCom
 * gives (old apps only) equal to an account's email (both lower-cased) is a key too, but only for
 * a *suggestion*: account emails are typed at registration and never verified, so linking on them
 * would let anyone who registers with a colleague's address take over that colleague's membership.
 */
export type LinkKey = "userid";
/** Why a suggestion (or a conflict's candidate) was proposed. */
export type SuggestKey = "name" | "email";

export interface PlanInput {
  /** The team's unlinked WeCom members (not removed). */
  members: MemberRow[];
  /** Accounts by lower-cased username (the WeCom userid key compares the same way). */
  byUsernameKey: Map<string, AccountRow>;
  /** Accounts by exact display name. */
  byName: Map<string, AccountRow[]>;
  /** Accounts by lower-cased email. */
  byEmail: Map<string, AccountRow[]>;
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
  by: SuggestKey;
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
  return out;
}

/** Free accounts whose name or email matches the member's: what a suggestion is made of. */
function looseCandidates(member: MemberRow, input: PlanInput, exclude: (a: AccountRow) => boolean): { account: AccountRow; by: SuggestKey }[] {
  const out = new Map<number, { account: AccountRow; by: SuggestKey }>();
  for (const a of input.byName.get(member.name) ?? []) if (!exclude(a)) out.set(a.id, { account: a, by: "name" });
  const email = member.email?.trim().toLowerCase();
  if (email) for (const a of input.byEmail.get(email) ?? []) if (!exclude(a) && !out.has(a.id)) out.set(a.id, { account: a, by: "email" });
  return [...out.values()].sort((x, y) => x.account.id - y.account.id);
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
 * Decides, without writing anything, what one-click match does (docs/http-api.md#members-and-access):
 * 1. a member with exactly one exact key (userid = username) whose name and email point at no
 *    other account links; an exact key and a name or email pointing elsewhere is a conflict;
 * 2. among the rest, a name or email shared by exactly one free account is a suggestion, by two or more
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
    const exactIds = new Set(exact.map((e) => e.account.id));
    const others = looseCandidates(member, input, (a) => input.taken.has(a.id) || exactIds.has(a.id)).map((c) => c.account);
    const first = exact[0];
    if (first && exact.length === 1 && others.length === 0) tentative.push({ member, account: first.account, by: first.by });
    else conflicts.push({ member, candidates: uniqueAccounts([...exact.map((e) => e.account), ...others]) });
  }
  const links = splitShared(tentative, conflicts);
  const linking = new Set(links.map((l) => l.account.id));

  const maybe: PlannedSuggestion[] = [];
  for (const member of input.members) {
    if (decided.has(member.id)) continue;
    const loose = looseCandidates(member, input, (a) => input.taken.has(a.id) || linking.has(a.id));
    const only = loose[0];
    if (loose.length === 1 && only) maybe.push({ member, account: only.account, by: only.by });
    else if (loose.length > 1) conflicts.push({ member, candidates: loose.map((c) => c.account) });
  }
  const suggested = splitShared(maybe, conflicts);

  const byMember = <T extends { member: MemberRow }>(a: T, b: T) => a.member.id - b.member.id;
  return { links: links.sort(byMember), suggested: suggested.sort(byMember), conflicts: conflicts.sort(byMember) };
}
