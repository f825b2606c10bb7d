import { setupIsOver, insertSetupCode, openSetupCodes } from "../../db/queries/setup";
import type { Deps } from "../../deps";
import { newSetupCode, normalizeSetupCode, setupCodeHash } from "../../security/setup-code";

/** How long a printed code opens the setup page. */
export const SETUP_CODE_TTL_MS = 24 * 60 * 60 * 1000;

/** The page prints a new code on a visit at most this often. */
export const SETUP_CODE_QUIET_MS = 60 * 1000;

/**
 * While no team exists: makes a setup code, stores its hash and prints it in the log — the
 * one place only the operator reads (docs/operations.md#first-run). The code is deliberately
 * logged, under a field name the redaction lets through: the log line is how it is delivered.
 * `quietMs` makes one only if no open code is younger (the page's visits): an operator who starts
 * `wrangler tail` after the first visit gets a new code by reloading a minute later, while a
 * stranger reloading the page prints at most one line a minute. Returns the code, or null when
 * none was made.
 */
export async function issueSetupCode(deps: Deps, opts: { quietMs?: number } = {}): Promise<string | null> {
  if (await setupIsOver(deps.db)) return null;
  const now = deps.clock.now();
  if (opts.quietMs !== undefined) {
    const [newest] = await openSetupCodes(deps.db, { now, limit: 1 });
    if (newest && now.getTime() - newest.createdAt.getTime() < opts.quietMs) return null;
  }
  const code = newSetupCode();
  const expiresAt = new Date(now.getTime() + SETUP_CODE_TTL_MS);
  await insertSetupCode(deps.db, { codeHash: setupCodeHash(normalizeSetupCode(code)!), now, expiresAt });
  deps.logger.warn("setup code", { setupCode: code, setupUrl: `${deps.config.publicUrl}/setup`, expiresAt: expiresAt.toISOString() });
  return code;
}
