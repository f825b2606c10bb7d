import { countLoginAttempt } from "../../db/queries/sessions";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import { LOGIN_WINDOW_MS, REGISTER_LIMIT, registerThrottleKey, retryAfterSeconds } from "./login-throttle";

/**
 * Counts a registration against the client's address (REGISTER_LIMIT per window, in PostgreSQL
 * like login attempts) before any password is hashed. No address known → not throttled, as for logins.
 */
export async function throttleRegistration(deps: Deps, ip: string | null | undefined): Promise<void> {
  if (!ip) return;
  const now = deps.clock.now();
  const [counted] = await countLoginAttempt(deps.db, { keys: [registerThrottleKey(ip)], now, windowMs: LOGIN_WINDOW_MS });
  if (!counted || counted.attempts <= REGISTER_LIMIT) return;
  const seconds = retryAfterSeconds([counted], now);
  deps.logger.warn("registration throttled", { by: "address" });
  throw new AppError(
    "too_many_attempts",
    `注册次数过多，请 ${Math.ceil(seconds / 60)} 分钟后再试 / Too many new accounts from your network; try again in ${Math.ceil(seconds / 60)} minutes`,
    undefined,
    { retryAfterSeconds: seconds },
  );
}
