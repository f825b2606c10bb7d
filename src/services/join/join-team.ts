import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import type { JoinPass } from "../../security/join-pass";
import { logIn, type LoggedIn } from "../accounts/log-in";
import { registerAndLogIn } from "../accounts/register-and-log-in";
import type { Actor } from "../actor";
import { acceptInvitation, type Joined } from "./accept-invitation";
import { inspectInvitation } from "./inspect-invitation";

/** How the person on the join page proves which account joins. */
export type JoinAs =
  | { kind: "session"; accountId: number }
  | { kind: "login"; input: unknown; ip: string | null; replacesToken?: string | undefined }
  | { kind: "register"; input: unknown; ip: string | null; replacesToken?: string | undefined };

export interface JoinOutcome extends Joined {
  /** A new session when the person logged in or registered on the join page. */
  session?: LoggedIn;
}

/**
 * The join form (docs/http-api.md#html-pages): with the WeCom pass in hand, join as the current account, or log in
 * or register first. The invitation is checked again before an account is created, so a dead link
 * does not leave a fresh account behind; the join itself is `acceptInvitation`'s one transaction.
 */
export async function joinTeam(deps: Deps, actor: Actor, p: { token: string; pass: JoinPass; as: JoinAs }): Promise<JoinOutcome> {
  const open = await inspectInvitation(deps, actor, p.token);
  if (open.invitation.id !== p.pass.invitationId || open.invitation.wecomUserKey !== p.pass.userKey) {
    throw new AppError("invitation_wrong_user", "此邀请是发给其他人的 / This invitation is for someone else");
  }
  let session: LoggedIn | undefined;
  let accountId: number;
  if (p.as.kind === "session") {
    accountId = p.as.accountId;
  } else {
    session = p.as.kind === "login" ? await logIn(deps, actor, p.as) : await registerAndLogIn(deps, actor, p.as);
    accountId = session.account.id;
  }
  const joined = await acceptInvitation(deps, { kind: "account", accountId }, { pass: p.pass });
  deps.logger.info("member joined by invitation", { teamId: joined.teamId, memberId: joined.memberId, accountId });
  return session ? { ...joined, session } : joined;
}
