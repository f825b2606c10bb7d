import { teamsOfAccount, type AccountTeam } from "../../db/queries/memberships";
import type { MemberRole } from "../../db/schema";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import type { Actor } from "../actor";
import { judgeStanding } from "./team-access";

/**
 * Where the account stands in a team, decided as the team pages decide it (judgeStanding): admin
 * (an active owner or admin: the console is open), member (active, no admin role), locked,
 * deauthorized, or pending (imported or invited, not joined yet).
 */
export type MyStanding = "admin" | "member" | "locked" | "deauthorized" | "pending";

export interface MyTeam {
  slug: string;
  name: string;
  standing: MyStanding;
  /** The role that counts: of the active row; null unless the standing is admin or member. */
  role: MemberRole | null;
}

const REFUSED: Record<string, MyStanding> = { member_locked: "locked", not_authorized: "deauthorized", not_a_member: "pending" };

function standingOf(rows: AccountTeam[]): { standing: MyStanding; role: MemberRole | null } {
  try {
    // judgeStanding's precedence (a lock anywhere wins over an active row) also applies here.
    const { role } = judgeStanding(rows.map((r, i) => ({ memberId: i, status: r.status, role: r.role })));
    return { standing: role === "owner" || role === "admin" ? "admin" : "member", role };
  } catch (err) {
    if (err instanceof AppError && REFUSED[err.code]) return { standing: REFUSED[err.code]!, role: null };
    throw err;
  }
}

/**
 * The team switcher (/teams): every team the account has a member row in (removed rows aside),
 * read from the database, by slug, with the standing that decides whether its console opens.
 */
export async function listMyTeams(deps: Deps, actor: Actor): Promise<MyTeam[]> {
  if (actor.kind !== "account") throw new AppError("unauthorized", "需要登录 / Sign in first");
  const rows = await teamsOfAccount(deps.db, { accountId: actor.accountId });
  const bySlug = new Map<string, AccountTeam[]>();
  for (const r of rows) bySlug.set(r.slug, [...(bySlug.get(r.slug) ?? []), r]);
  return [...bySlug.values()].map((team) => ({ slug: team[0]!.slug, name: team[0]!.teamName, ...standingOf(team) }));
}
