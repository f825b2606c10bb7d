import { appendAudit } from "../../db/queries/audit";
import { insertAccountMember } from "../../db/queries/memberships";
import { deleteSession, insertSession } from "../../db/queries/sessions";
import { openSetupCodes, setupIsOver, spendSetupCodes } from "../../db/queries/setup";
import { insertTeam } from "../../db/queries/teams";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import { safeEqual } from "../../security/constant-time";
import { newSessionToken, SESSION_TTL_MS, sessionTokenHash } from "../../security/session";
import { normalizeSetupCode, setupCodeHash } from "../../security/setup-code";
import { accountView, type AccountView } from "../accounts/account-view";
import { insertOrRefuse, newAccount, NewAccountInput } from "../accounts/new-account";
import { actorLabel, initiatorOf, type Actor } from "../actor";
import { auditEntry } from "../directory/audit-entry";
import { CreateTeamInput, type TeamView } from "../teams/create-team";
import { parseInput, text } from "../validate";

/** The first-run form: the setup code, the owner's account (the register form's rules) and the first team. */
export const SetupInput = NewAccountInput.extend({
  code: text(/^[\s\S]{1,64}$/u, "设置码由 16 个字母或数字组成 / The setup code has 16 letters or digits"),
  teamSlug: CreateTeamInput.shape.slug,
  teamName: CreateTeamInput.shape.name,
});

export interface SetUp {
  account: AccountView;
  team: TeamView;
  /** The raw session token for the cookie; only its hash is stored. */
  token: string;
  expiresAt: Date;
}

/**
 * How many of the newest unspent codes are compared: visits print at most one a minute, so the
 * code the operator just read is among them however many a stranger's visits printed before.
 */
const OPEN_CODES = 20;

export function setupClosed(): AppError {
  return new AppError("setup_closed", "服务已完成初始设置，请登录 / This service is already set up; log in instead");
}

const WRONG_CODE = new AppError("setup_code_invalid", "设置码不正确或已失效 / The setup code is wrong, used or expired", [
  { field: "code", message: "设置码不正确或已失效 / wrong, used or expired" },
]);

/**
 * The first-run setup (docs/operations.md#first-run): with a setup code from the log, the owner's
 * account, the first team with that account as its owner, and the account's first session — all
 * in one transaction, or nothing. Refused with `setup_closed` once any team exists, with
 * `setup_code_invalid` for a code that is not an unspent, unexpired one. The code is checked
 * before the slow password hash, so wrong guesses cost no scrypt; spending every open code in the
 * transaction makes two racing setups one success and one refusal.
 */
export async function completeSetup(deps: Deps, caller: Actor, p: { input: unknown; replacesToken?: string | undefined }): Promise<SetUp> {
  if (await setupIsOver(deps.db)) throw setupClosed();
  const { code, teamSlug, teamName, ...account } = parseInput(SetupInput, p.input);
  const now = deps.clock.now();
  const typed = normalizeSetupCode(code);
  const open = await openSetupCodes(deps.db, { now, limit: OPEN_CODES });
  // Every open code is compared, in constant time, whether or not an earlier one matched.
  const wanted = setupCodeHash(typed ?? "");
  const matched = open.filter((row) => safeEqual(row.codeHash, wanted));
  if (typed === null || matched.length === 0) {
    deps.logger.warn("setup refused", { reason: "code" });
    throw WRONG_CODE;
  }

  const fresh = await newAccount(deps, account);
  const token = newSessionToken();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  const done = await deps.db.transaction(async (tx) => {
    if (await setupIsOver(tx)) throw setupClosed();
    const spent = await spendSetupCodes(tx, { now });
    if (!matched.some((row) => spent.includes(row.id))) throw WRONG_CODE;
    const row = await insertOrRefuse(tx, fresh);
    const team = await insertTeam(tx, { slug: teamSlug, name: teamName.trim() });
    if (!team) {
      throw new AppError("team_exists", `团队 ${teamSlug} 已存在 / Team ${teamSlug} already exists`, [
        { field: "teamSlug", message: "已被使用 / taken" },
      ]);
    }
    const member = await insertAccountMember(tx, {
      teamId: team.id,
      accountId: row.id,
      name: row.name,
      role: "owner",
      status: "active",
      now,
    });
    await appendAudit(tx, [
      auditEntry({
        teamId: team.id,
        at: now,
        initiator: initiatorOf(caller),
        actor: actorLabel(caller),
        action: "member.added",
        subjectType: "member",
        subjectId: member.id,
        after: { accountId: row.id, role: "owner", status: "active" },
      }),
    ]);
    await insertSession(tx, { tokenHash: sessionTokenHash(token)!, accountId: row.id, now, expiresAt });
    const previous = sessionTokenHash(p.replacesToken);
    if (previous) await deleteSession(tx, { tokenHash: previous });
    return { row, team };
  });
  deps.logger.info("setup done", { accountId: done.row.id, slug: done.team.slug });
  return {
    account: accountView(done.row),
    team: { id: done.team.id, slug: done.team.slug, name: done.team.name, createdAt: done.team.createdAt.toISOString() },
    token,
    expiresAt,
  };
}
