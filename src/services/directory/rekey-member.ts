import { appendAudit } from "../../db/queries/audit";
import { rekeyMember } from "../../db/queries/directory";
import { lockMirror, observeNow } from "../../db/queries/observations";
import { buryKeys } from "../../db/queries/tombstones";
import type { Deps } from "../../deps";
import { auditEntry } from "./audit-entry";
import { userKey } from "./mirror-shape";

/**
 * A userid renamed in WeCom (update_user with NewUserID, docs/wecom.md#userids): the member keeps
 * its row and history under the new key, and the old key is buried as of now, so a listing read
 * before the rename cannot create it again (docs/observations.md).
 */
export async function renameMemberKey(deps: Deps, p: { teamId: number; fromUserId: string; toUserId: string }): Promise<void> {
  const at = await observeNow(deps.db);
  const fromKey = userKey(p.fromUserId);
  await deps.db.transaction(async (tx) => {
    await lockMirror(tx, { teamId: p.teamId });
    const moved = await rekeyMember(tx, { teamId: p.teamId, fromKey, toKey: userKey(p.toUserId), toUserId: p.toUserId, at });
    if (moved === null) return;
    await buryKeys(tx, { teamId: p.teamId, kind: "member", keys: [fromKey], at });
    await appendAudit(tx, [
      auditEntry({
        teamId: p.teamId,
        at: deps.clock.now(),
        initiator: "callback",
        action: "member.rekeyed",
        subjectType: "member",
        subjectId: moved,
        before: { wecomUserId: p.fromUserId },
        after: { wecomUserId: p.toUserId },
        observedAt: at,
      }),
    ]);
  });
}
