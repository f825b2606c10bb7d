import { findOpenByHash, type InvitationRow } from "../../db/queries/invitations";
import type { Deps } from "../../deps";
import { hashInvitationToken } from "./token";

/**
 * The open invitation (not expired, consumed or revoked) whose link carries `token`, or null.
 * Looked up by the token's SHA-256, so no secret is compared byte by byte (for the join flow).
 */
export async function findOpenInvitation(deps: Deps, token: string): Promise<InvitationRow | null> {
  if (typeof token !== "string" || token.length < 16 || token.length > 128) return null;
  return findOpenByHash(deps.db, { tokenHash: hashInvitationToken(token), now: deps.clock.now() });
}
