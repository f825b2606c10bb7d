import { z } from "zod";
import type { AccountRow } from "../../db/queries/accounts";
import type { MemberRow } from "../../db/queries/directory";
import { findTeamWithBindingById } from "../../db/queries/teams";
import {
  accountRowsOfTeam,
  accountsByEmails,
  accountsByNames,
  accountsByUsernameKeys,
  unlinkedWecomMembers,
  verifiedAccountsByKeys,
} from "../../db/queries/match";
import type { Deps } from "../../deps";
import type { Caller } from "../accounts/caller";
import { linkMember } from "./link-member";
import { planMatch, type LinkKey, type SuggestKey } from "./plan-match";
import { lockTeamAsAdmin } from "./team-admin";
import { parseInput } from "../validate";

export interface LinkedView {
  memberId: number;
  accountId: number;
  by: LinkKey | SuggestKey;
}

export interface SuggestionView {
  memberId: number;
  wecomUserId: string | null;
  name: string;
  by: SuggestKey;
  accountId: number;
  username: string;
}

export interface ConflictView {
  memberId: number;
  wecomUserId: string | null;
  name: string;
  candidates: { accountId: number; username: string }[];
}

export interface MatchResult {
  linked: LinkedView[];
  suggested: SuggestionView[];
  conflicts: ConflictView[];
}

/** `POST /api/teams/:slug/match`: `{dryRun?: boolean}`; an absent body is `{}`. */
export const MatchInput = z.object({ dryRun: z.boolean({ error: "true | false" }).nullish() }, { error: "JSON 对象 / a JSON object" });

/** The team's account-carrying rows, split into accounts linked to WeCom members and non-WeCom rows by account. */
export function accountIndex(rows: MemberRow[]): { taken: Set<number>; nonWecom: Map<number, MemberRow> } {
  const taken = new Set<number>();
  const nonWecom = new Map<number, MemberRow>();
  for (const r of rows) {
    if (r.accountId === null) continue;
    if (r.wecomUserKey !== null) taken.add(r.accountId);
    else nonWecom.set(r.accountId, r);
  }
  return { taken, nonWecom };
}

const candidate = (a: AccountRow) => ({ accountId: a.id, username: a.username });

/**
 * `POST /api/teams/:slug/match {dryRun?}` (docs/http-api.md#members-and-access): matches the team's WeCom members without
 * an account to existing accounts. Only what WeCom vouched for, or userid = username of an account
 * already in the team, links at once; userid = username of any other account, a unique exact name,
 * or an email WeCom gives equal to an account's, is only suggested (plan-match.ts says why); two or
 * more candidates are a conflict. One transaction under the team's
 * membership lock; every link audited. With dryRun nothing is written and `linked` says what would link.
 */
export async function matchMembers(deps: Deps, caller: Caller, slug: string, input: unknown): Promise<MatchResult> {
  const dryRun = input !== undefined && parseInput(MatchInput, input, { rootField: "body" }).dryRun === true;
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const team = await lockTeamAsAdmin(tx, caller, slug);
    const pending = await unlinkedWecomMembers(tx, { teamId: team.id });
    const { taken, nonWecom } = accountIndex(await accountRowsOfTeam(tx, { teamId: team.id }));
    const byUsernameKey = new Map<string, AccountRow>();
    for (const a of await accountsByUsernameKeys(tx, { keys: pending.flatMap((m) => (m.wecomUserKey ? [m.wecomUserKey] : [])) }))
      byUsernameKey.set(a.usernameKey, a);
    const byName = new Map<string, AccountRow[]>();
    for (const a of await accountsByNames(tx, { names: pending.map((m) => m.name) }))
      byName.set(a.name, [...(byName.get(a.name) ?? []), a]);

    const byEmail = new Map<string, AccountRow[]>();
    const emails = pending.flatMap((m) => (m.email ? [m.email.trim().toLowerCase()] : []));
    for (const a of await accountsByEmails(tx, { emails })) if (a.email) byEmail.set(a.email, [...(byEmail.get(a.email) ?? []), a]);

    const corpId = (await findTeamWithBindingById(tx, { id: team.id }))?.binding?.corpId;
    const verified = new Map<string, AccountRow[]>();
    if (corpId) {
      const keys = pending.flatMap((m) => (m.wecomUserKey ? [m.wecomUserKey] : []));
      for (const v of await verifiedAccountsByKeys(tx, { teamId: team.id, corpId, keys }))
        verified.set(v.userKey, [...(verified.get(v.userKey) ?? []), v.account]);
    }
    const inTeam = new Set([...nonWecom.values()].filter((r) => r.status !== "removed").map((r) => r.accountId ?? 0));

    const plan = planMatch({ members: pending, byUsernameKey, byName, byEmail, verified, inTeam, taken });
    const linked: LinkedView[] = [];
    for (const l of plan.links) {
      const done =
        dryRun ||
        (await linkMember(
          tx,
          { teamId: team.id, now, caller },
          { member: l.member, account: l.account, by: l.by, nonWecomRow: nonWecom.get(l.account.id), verified: l.by === "wecom" },
        ));
      if (done) linked.push({ memberId: l.member.id, accountId: l.account.id, by: l.by });
    }
    if (!dryRun)
      deps.logger.info("members matched", {
        slug,
        linked: linked.length,
        suggested: plan.suggested.length,
        conflicts: plan.conflicts.length,
      });
    return {
      linked,
      suggested: plan.suggested.map((s) => ({
        memberId: s.member.id,
        wecomUserId: s.member.wecomUserId,
        name: s.member.name,
        by: s.by,
        ...candidate(s.account),
      })),
      conflicts: plan.conflicts.map((c) => ({
        memberId: c.member.id,
        wecomUserId: c.member.wecomUserId,
        name: c.member.name,
        candidates: c.candidates.map(candidate),
      })),
    };
  });
}
