import { accountStanding, type Standing } from "../../db/queries/memberships";
import type { MemberRole } from "../../db/schema";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import type { Caller } from "../accounts/caller";

export interface TeamAccess {
  teamId: number;
  memberId: number;
  role: MemberRole;
}

const NOT_A_MEMBER = "你不是该团队的成员 / You are not a member of this team";

/**
 * Which of an account's member rows decides (an account normally has one per team): a lock or a
 * deauthorization anywhere wins over an active row, so linking a second row can never lift one.
 */
const PRECEDENCE = ["locked", "deauthorized", "active"] as const;

/**
 * May this account use the team, and as what (docs/sync.md#deletion-policies,
 * docs/http-api.md#members-and-access)? Active → its role (a member without one is a plain member).
 * Locked → 403 member_locked; deauthorized → 403 not_authorized; imported, invited, removed, no row
 * at all, or no such team → 403 not_a_member (a session cannot tell an unknown slug from a team it
 * is not in).
 */
export function judgeStanding(rows: Standing[]): { memberId: number; role: MemberRole } {
  for (const status of PRECEDENCE) {
    const row = rows.find((r) => r.status === status);
    if (!row) continue;
    if (status === "locked")
      throw new AppError(
        "member_locked",
        "你在该团队的成员身份已被锁定，请联系团队管理员 / Your membership of this team is locked; ask a team admin",
      );
    if (status === "deauthorized")
      throw new AppError(
        "not_authorized",
        "你在该团队的授权已被取消，请联系团队管理员 / Your access to this team was withdrawn; ask a team admin",
      );
    return { memberId: row.memberId, role: row.role ?? "member" };
  }
  throw new AppError("not_a_member", NOT_A_MEMBER);
}

/** `GET /api/teams/:slug/access`, and the check behind every team endpoint reached by a session. */
export async function teamAccess(deps: Deps, caller: Caller, slug: string): Promise<TeamAccess> {
  if (caller.kind !== "account") throw new AppError("unauthorized", "需要登录 / Sign in first");
  const found = await accountStanding(deps.db, { slug, accountId: caller.accountId });
  if (!found) throw new AppError("not_a_member", NOT_A_MEMBER);
  return { teamId: found.teamId, ...judgeStanding(found.rows) };
}
