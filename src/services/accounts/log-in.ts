import { z } from "zod";
import { findAccountByUsernameKey, updatePasswordHash } from "../../db/queries/accounts";
import {
  countLoginAttempt,
  deleteExpiredSessions,
  deleteSession,
  insertSession,
  pruneLoginAttempts,
  refundLoginAttempt,
} from "../../db/queries/sessions";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import { hashPassword, needsRehash, verifyNothing, verifyPassword } from "../../security/password";
import { newSessionToken, SESSION_TTL_MS, sessionTokenHash } from "../../security/session";
import { parseInput, text } from "../validate";
import { accountView, type AccountView } from "./account-view";
import { usernameKey } from "./account-fields";
import type { Caller } from "./caller";
import {
  ADDRESS_LIMIT,
  addressThrottleKey,
  LOGIN_WINDOW_MS,
  PAIR_LIMIT,
  pairThrottleKey,
  retryAfterSeconds,
  USERNAME_CEILING,
  usernameThrottleKey,
} from "./login-throttle";

export interface LoggedIn {
  account: AccountView;
  /** The raw token for the cookie; only its hash is stored. */
  token: string;
  expiresAt: Date;
}

const INVALID = "用户名或密码错误 / Wrong username or password";

/**
 * `POST /api/session` and the login form. Only shape and size: a username that could never be
 * registered still gets the same answer, cost and throttling as a wrong password, so the reply
 * says nothing about existence.
 */
export const LogInInput = z.object({
  username: text(/^[^\p{Cc}]{1,64}$/u, "1–64 个字符 / 1–64 characters"),
  password: text(/^[\s\S]{1,200}$/u, "1–200 个字符 / 1–200 characters"),
});

/**
 * `POST /api/session` and the login form. `ip` is the client address (null when unknown: then
 * there is no per-address count, so one shared "unknown" bucket cannot lock everybody out).
 */
export async function logIn(
  deps: Deps,
  _caller: Caller,
  p: { input: unknown; ip: string | null; replacesToken?: string | undefined },
): Promise<LoggedIn> {
  const { username, password } = parseInput(LogInInput, p.input);

  const key = usernameKey(username);
  const now = deps.clock.now();
  const userKey = usernameThrottleKey(key);
  const pairKey = pairThrottleKey(key, p.ip);
  const ipKey = p.ip ? addressThrottleKey(p.ip) : null;
  const limits = new Map<string, { limit: number; by: string }>([
    [pairKey, { limit: PAIR_LIMIT, by: "username_and_address" }],
    [userKey, { limit: USERNAME_CEILING, by: "username" }],
  ]);
  if (ipKey) limits.set(ipKey, { limit: ADDRESS_LIMIT, by: "address" });
  // Committed on its own, before the check: a failed login must still count (see login-throttle.ts).
  const counted = await countLoginAttempt(deps.db, { keys: [...limits.keys()], now, windowMs: LOGIN_WINDOW_MS });
  const exceeded = counted.filter((c) => c.attempts > (limits.get(c.key)?.limit ?? 0));
  if (exceeded.length > 0) {
    const seconds = retryAfterSeconds(exceeded, now);
    deps.logger.warn("login throttled", { by: exceeded.map((e) => limits.get(e.key)?.by) });
    throw new AppError(
      "too_many_attempts",
      `登录失败次数过多，请 ${Math.ceil(seconds / 60)} 分钟后再试 / Too many failed logins; try again in ${Math.ceil(seconds / 60)} minutes`,
      undefined,
      { retryAfterSeconds: seconds },
    );
  }

  const account = await findAccountByUsernameKey(deps.db, { usernameKey: key });
  const ok = account ? await verifyPassword(password, account.passwordHash) : await verifyNothing(password, deps.config.passwordScryptN);
  if (!account || !ok) throw new AppError("invalid_credentials", INVALID);

  const rehash = needsRehash(account.passwordHash, deps.config.passwordScryptN)
    ? await hashPassword(password, deps.config.passwordScryptN)
    : null;
  const token = newSessionToken();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await deps.db.transaction(async (tx) => {
    // Forget this address's failures for the username; only give back this attempt elsewhere, so the
    // owner logging in does not wipe what others guessed against the username's ceiling.
    await refundLoginAttempt(tx, { resetKeys: [pairKey], refundKeys: ipKey ? [userKey, ipKey] : [userKey] });
    await pruneLoginAttempts(tx, { before: new Date(now.getTime() - LOGIN_WINDOW_MS) });
    await deleteExpiredSessions(tx, { accountId: account.id, now });
    // A browser that logs in again (perhaps as someone else) leaves no older session behind.
    const previous = sessionTokenHash(p.replacesToken);
    if (previous) await deleteSession(tx, { tokenHash: previous });
    await insertSession(tx, { tokenHash: sessionTokenHash(token)!, accountId: account.id, now, expiresAt });
    if (rehash) await updatePasswordHash(tx, { id: account.id, passwordHash: rehash, now });
  });
  deps.logger.info("logged in", { accountId: account.id });
  return { account: accountView(account), token, expiresAt };
}
