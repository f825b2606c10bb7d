import { setupIsOver, insertSetupCode, openSetupCodes } from "../../db/queries/setup";
import type { Deps } from "../../deps";
import { newSetupCode, normalizeSetupCode, setupCodeHash } from "../../security/setup-code";

/** How long a printed code opens the setup page; after that a visit to the page prints a new one. */
export const SETUP_CODE_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * While no account exists: makes a setup code, stores its hash and prints it in the log — the
 * one place only the operator reads (docs/operations.md#first-run). The code is deliberately
 * logged, under a field name the redaction lets through: the log line is how it is delivered.
 * `whenNoneOpen` makes one only if no unspent, unexpired code exists (the page's visits), so a
 * stranger reloading the page cannot fill the log. Returns the code, or null when none was made.
 */
export async function issueSetupCode(deps: Deps, opts: { whenNoneOpen?: boolean } = {}): Promise<string | null> {
  if (await setupIsOver(deps.db)) return null;
  const now = deps.clock.now();
  if (opts.whenNoneOpen && (await openSetupCodes(deps.db, { now, limit: 1 })).length > 0) return null;
  const code = newSetupCode();
  const expiresAt = new Date(now.getTime() + SETUP_CODE_TTL_MS);
  await insertSetupCode(deps.db, { codeHash: setupCodeHash(normalizeSetupCode(code)!), now, expiresAt });
  deps.logger.warn("setup code", { setupCode: code, setupUrl: `${deps.config.publicUrl}/setup`, expiresAt: expiresAt.toISOString() });
  return code;
}
