import type { Context } from "hono";
import type { AppEnv } from "../../deps";
import { verifyJobProgressToken } from "../../security/signed-link";
import { AppError } from "../../errors";
import { requireTeamAdmin } from "../../services/access/policy";
import { isOperator } from "../operator-auth";
import { sessionAccount } from "../session-auth";
import { securityHeaders } from "./form-kit";

export type JobPageAccess = { via: "admin" } | { via: "link"; token: string };

/**
 * Who may see a job's progress page: the operator (`Authorization: Bearer $ADMIN_TOKEN`, as
 * routes/operator-auth.ts), whoever holds an unexpired capability link for exactly this team and
 * job (`?t=`), or the session of an active owner or admin of the team (as the team API allows).
 * A refusal is the same whichever way was tried, so it tells nothing about the job.
 */
export async function jobPageAccess(c: Context<AppEnv>, slug: string, jobId: string): Promise<JobPageAccess | null> {
  const { config, clock } = c.env.deps;
  if (isOperator(c)) return { via: "admin" };
  const token = c.req.query("t");
  if (token !== undefined && verifyJobProgressToken(config.appSecret, slug, jobId, token, clock.now())) return { via: "link", token };
  const account = await sessionAccount(c);
  if (!account) return null;
  try {
    await requireTeamAdmin(c.env.deps, { kind: "account", accountId: account.id }, slug);
    return { via: "admin" };
  } catch (err) {
    if (err instanceof AppError) return null;
    throw err;
  }
}

/** The job page's headers: the URL carries a capability, so nothing may cache or leak it; it posts no forms. */
export function pageHeaders(c: Context<AppEnv>, nonce: string): void {
  securityHeaders(c, nonce, { scripts: true, forms: false });
}
