import { findAccountById } from "../../db/queries/accounts";
import { revokeOpenOf } from "../../db/queries/invitations";
import { lockMemberByKey, lockTeamForMembership, markWecomVerified, membersOfAccount } from "../../db/queries/memberships";
import { findTeamWithBinding } from "../../db/queries/teams";
import type { Deps } from "../../deps";
import { AppError, teamNotFound } from "../../errors";
import type { Actor } from "../actor";
import { linkMember } from "../match/link-member";
import { codeOwner } from "../wecom-identity/code-owner";
import { accountOf } from "./own-bindings";

/**
 * Self-binding (docs/http-api.md#html-pages): a member of a WeCom-bound team proves by OAuth which WeCom member
 * they are, and their account is linked to that member row — the same merge as one-click match,
 * so role, standing and history carry over. Refused when that userid is bound to another account
 * or this account is already bound to another userid in the team.
 */
export async function bindOwnWecom(deps: Deps, actor: Actor, p: { slug: string; code: string }): Promise<{ wecomUserId: string }> {
  const accountId = accountOf(actor);
  const found = await findTeamWithBinding(deps.db, { slug: p.slug });
  if (!found) throw teamNotFound(p.slug);
  if (!found.binding) throw new AppError("not_bound", "该团队未绑定企业微信 / This team is not bound to WeCom");
  const who = await codeOwner(deps, found.binding, p.code);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const team = await lockTeamForMembership(tx, { slug: p.slug });
    if (!team) throw teamNotFound(p.slug);
    const rows = await membersOfAccount(tx, { teamId: team.id, accountId });
    const own = rows.find((r) => r.wecomUserKey !== null);
    if (own?.wecomUserKey === who.userKey) {
      // Already linked (e.g. by one-click match): now WeCom vouches for it too.
      await markWecomVerified(tx, { teamId: team.id, id: own.id, accountId, at: now });
      return { wecomUserId: own.wecomUserId ?? who.userId };
    }
    if (own)
      throw new AppError(
        "wecom_already_bound",
        "你的账号已绑定该团队的另一个企业微信成员，请先解除绑定 / Your account is bound to another WeCom member of this team; unbind it first",
      );
    const nonWecomRow = rows.find((r) => r.wecomUserKey === null && r.status !== "removed");
    if (!nonWecomRow) throw new AppError("not_a_member", "你不是该团队的成员 / You are not a member of this team");
    const member = await lockMemberByKey(tx, { teamId: team.id, key: who.userKey });
    if (!member || member.status === "removed" || member.deprovisionedAt) {
      throw new AppError(
        "not_found",
        "该团队的通讯录里没有你的企业微信身份（可能不在应用可见范围内，或尚未同步）/ Your WeCom identity is not in this team's directory (outside the app's visibility, or not synced yet)",
      );
    }
    if (member.accountId !== null)
      throw new AppError("wecom_already_bound", "该企业微信成员已绑定另一个账号 / This WeCom member is already bound to another account");
    const account = await findAccountById(tx, { id: accountId });
    if (!account) throw new AppError("unauthorized", "需要登录 / Sign in first");
    const linked = await linkMember(
      tx,
      { teamId: team.id, now, caller: actor, initiator: "member" },
      { member, account, by: "self", nonWecomRow, verified: true },
    );
    if (!linked) throw new AppError("conflict", "成员状态刚刚发生变化，请重试 / The member changed just now; try again");
    // The account reached the member another way: a pending invitation link must not work any more.
    await revokeOpenOf(tx, { memberIds: [member.id], at: now });
    return { wecomUserId: member.wecomUserId ?? who.userId };
  });
}
