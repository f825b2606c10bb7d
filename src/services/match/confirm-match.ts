import { z } from "zod";
import type { AccountRow } from "../../db/queries/accounts";
import type { MemberRow } from "../../db/queries/directory";
import { accountRowsOfTeam, accountsByIds, membersByIds } from "../../db/queries/match";
import type { Deps } from "../../deps";
import type { Caller } from "../accounts/caller";
import { usernameKey } from "../accounts/account-fields";
import { linkMember } from "./link-member";
import { accountIndex, type LinkedView } from "./match-members";
import { lockTeamAsAdmin } from "./team-admin";
import { parseInput, positiveId } from "../validate";

export const MAX_PAIRS = 1000;

export type RejectReason =
  | "duplicate"
  | "member_not_found"
  | "member_removed"
  | "member_already_linked"
  | "account_not_found"
  | "account_already_linked"
  | "no_longer_matches"
  /** Linked or changed (e.g. deprovisioned by a sync) while this request ran. */
  | "member_changed";

export interface Pair {
  memberId: number;
  accountId: number;
}

export interface ConfirmResult {
  linked: LinkedView[];
  rejected: (Pair & { reason: RejectReason })[];
}

const PAIRS = `1–${MAX_PAIRS} 个 {memberId, accountId} / 1–${MAX_PAIRS} {memberId, accountId} pairs`;
const ID = positiveId("正整数 / a positive integer");

/** `POST /api/teams/:slug/match/confirm`: 1…MAX_PAIRS positive integer pairs, else 422 naming each bad field. */
export const ConfirmMatchInput = z.object({
  pairs: z
    .array(z.object({ memberId: ID, accountId: ID }, { error: "{memberId, accountId}" }), { error: PAIRS })
    .min(1, { error: PAIRS })
    .max(MAX_PAIRS, { error: PAIRS }),
});

export function parsePairs(input: unknown): Pair[] {
  return parseInput(ConfirmMatchInput, input, { lenient: true }).pairs;
}

type Verdict = "name" | "userid" | "email";
const MATCHES: ReadonlySet<string> = new Set<Verdict>(["name", "userid", "email"]);
const isMatch = (v: RejectReason | Verdict): v is Verdict => MATCHES.has(v);

/** Why a pair may not link now, or how it still matches (names equal, userid = username, or the same email). */
function judgePair(member: MemberRow | undefined, account: AccountRow | undefined, taken: Set<number>): RejectReason | Verdict {
  if (!member?.wecomUserKey) return "member_not_found";
  if (member.status === "removed") return "member_removed";
  if (member.accountId !== null) return "member_already_linked";
  if (!account) return "account_not_found";
  if (taken.has(account.id)) return "account_already_linked";
  if (member.name === account.name) return "name";
  if (usernameKey(account.username) === member.wecomUserKey) return "userid";
  if (member.email && account.email && member.email.trim().toLowerCase() === account.email.toLowerCase()) return "email";
  return "no_longer_matches";
}

/**
 * `POST /api/teams/:slug/match/confirm {pairs}`: links pairs an admin confirmed (suggestions, or
 * one candidate of a conflict). Each pair must still hold when confirmed — the member a WeCom member
 * of the team, unlinked and not removed; the account not linked in the team; and the two still a
 * match (same name, or userid = username) — else it is rejected with a reason, not applied.
 * Pairs apply in order in one transaction, so a member or account named twice links at most once.
 */
export async function confirmMatch(deps: Deps, caller: Caller, slug: string, input: unknown): Promise<ConfirmResult> {
  const pairs = parsePairs(input);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const team = await lockTeamAsAdmin(tx, caller, slug);
    const membersById = new Map((await membersByIds(tx, { teamId: team.id, ids: pairs.map((p) => p.memberId) })).map((m) => [m.id, m]));
    const accountsById = new Map((await accountsByIds(tx, { ids: pairs.map((p) => p.accountId) })).map((a) => [a.id, a]));
    const { taken, nonWecom } = accountIndex(await accountRowsOfTeam(tx, { teamId: team.id }));
    const usedMembers = new Set<number>();
    const linked: LinkedView[] = [];
    const rejected: ConfirmResult["rejected"] = [];
    for (const pair of pairs) {
      const member = membersById.get(pair.memberId);
      const account = accountsById.get(pair.accountId);
      const verdict = usedMembers.has(pair.memberId) ? "duplicate" : judgePair(member, account, taken);
      if (!isMatch(verdict) || !member || !account) {
        rejected.push({ ...pair, reason: isMatch(verdict) ? "member_not_found" : verdict });
        continue;
      }
      const done = await linkMember(
        tx,
        { teamId: team.id, now, caller },
        { member, account, by: verdict, nonWecomRow: nonWecom.get(pair.accountId) },
      );
      if (!done) {
        rejected.push({ ...pair, reason: "member_changed" });
        continue;
      }
      usedMembers.add(pair.memberId);
      taken.add(pair.accountId);
      nonWecom.delete(pair.accountId);
      linked.push({ ...pair, by: verdict });
    }
    deps.logger.info("match confirmed", { slug, linked: linked.length, rejected: rejected.length });
    return { linked, rejected };
  });
}
