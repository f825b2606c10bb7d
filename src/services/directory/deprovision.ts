import type { MemberChange, MemberRow } from "../../db/queries/directory";
import type { DeletionPolicy, MemberStatus } from "../../db/schema";

const STATUS_FOR: Record<DeletionPolicy, MemberStatus> = { remove: "removed", lock: "locked", deauthorize: "deauthorized" };

/**
 * A member deleted in WeCom, per the team's policy (docs/sync.md#deletion-policies): `remove` (restorable for 30 days),
 * `lock` (listed, no access, an admin unlocks) or `deauthorize` (listed, no access, re-authorize).
 * The earlier status is kept so a restore or unlock returns to it.
 */
export function deprovisionChange(m: MemberRow, policy: DeletionPolicy, now: Date): MemberChange {
  return { status: STATUS_FOR[policy], statusBefore: m.status, deprovisionedAt: now, updatedAt: now };
}

/** Restores are possible this long after a removal (docs/sync.md#deletion-policies). */
export const RESTORE_WINDOW_MS = 30 * 24 * 3600_000;
