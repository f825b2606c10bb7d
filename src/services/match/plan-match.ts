import type { AccountRow } from "../../db/queries/accounts";
import type { MemberRow } from "../../db/queries/directory";

/**
 * What links at once. Registration is open, so every account field (username, name, email) is
 * chosen by whoever registered it; linking on one of them alone would let a stranger who registers
 * a colleague's userid as username take over the colleague's membership. So a link needs either
 * - `wecom`: WeCom vouched for the account as this userid of this corp (an OAuth-verified link in
 *   another team bound to the same CorpID: joining by invitation or self-binding), or
 * - `userid`: the userid equals the username (ignoring case) *and* the account is already a member
 *   of this team — an admin added it, so the team already trusts it.
 * The same userid = username of an account outside the team is only a suggestion, like a name
 * or an email WeCom gives (old apps only; account emails are typed at registration, never verified).
 */
export type LinkKey = "wecom" | "userid";
/** Why a suggestion (or a conflict's candidate) was proposed. */
export type SuggestKey = "userid" | "name" | "email";

export interface PlanInput {
  /** The team's unlinked WeCom members (not removed). */
  members: MemberRow[];
  /** Accounts by lower-cased username (the WeCom userid key compares the same way). */
  byUsernameKey: Map<string, AccountRow>;
  /** Accounts WeCom vouched for, by lower-cased userid (verifiedAccountsByKeys). */
  verified: Map<string, AccountRow[]>;
  /** Accounts that already are (non-WeCom, not removed) members of this team. */
  inTeam: Set<number>;
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
  const out = new Map<number, { account: AccountRow; by: LinkKey }>();
  if (!member.wecomUserKey) return [];
  for (const a of input.verified.get(member.wecomUserKey) ?? []) if (!input.taken.has(a.id)) out.set(a.id, { account: a, by: "wecom" });
  const byUserid = input.byUsernameKey.get(member.wecomUserKey);
  if (byUserid && !input.taken.has(byUserid.id) && input.inTeam.has(byUserid.id) && !out.has(byUserid.id))
    out.set(byUserid.id, { account: byUserid, by: "userid" });
  return [...out.values()];
}

/** Free accounts whose username (outside the team), name or email matches the member's: what a suggestion is made of. */
function looseCandidates(
  member: MemberRow,
  input: PlanInput,
  exclude: (a: AccountRow) => boolean,
): { account: AccountRow; by: SuggestKey }[] {
  const out = new Map<number, { account: AccountRow; by: SuggestKey }>();
  const byUserid = member.wecomUserKey ? input.byUsernameKey.get(member.wecomUserKey) : undefined;
  if (byUserid && !exclude(byUserid)) out.set(byUserid.id, { account: byUserid, by: "userid" });
  for (const a of input.byName.get(member.name) ?? []) if (!exclude(a) && !out.has(a.id)) out.set(a.id, { account: a, by: "name" });
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
 * 1. a member with exactly one exact key (LinkKey) whose username, name and email point at no
 *    other account links; an exact key and a candidate pointing elsewhere is a conflict;
 * 2. among the rest, a username, name or email shared by exactly one free account is a suggestion,
 *    by two or more a conflict; accounts linked in step 1 are no longer free;
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
