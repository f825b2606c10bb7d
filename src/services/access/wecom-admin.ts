import { adminMemberUserIds, bindingAdminUserIds, isAdminMember } from "../../db/queries/bot-admins";
import type { Db } from "../../db/types";

/**
 * Who is a team's admin in WeCom (docs/architecture.md#admin-bot): a userid in the binding's
 * `adminUserIds`, or an active owner or admin whose member row is that userid. Userids compare
 * ignoring case (docs/wecom.md#userids). What such an admin may do is access/policy.ts's.
 */
export async function isWecomAdmin(db: Db, p: { teamId: number; userId: string }): Promise<boolean> {
  const key = p.userId.toLowerCase();
  if ((await bindingAdminUserIds(db, { teamId: p.teamId })).some((u) => u.toLowerCase() === key)) return true;
  return isAdminMember(db, { teamId: p.teamId, userKey: key });
}

/** Everyone who gets the team's admin cards: binding admins, then admin members (deduplicated by key). */
export async function wecomAdminUserIds(db: Db, p: { teamId: number }): Promise<string[]> {
  const out = new Map<string, string>();
  for (const u of await bindingAdminUserIds(db, p)) if (u.trim() !== "") out.set(u.toLowerCase(), u);
  for (const m of await adminMemberUserIds(db, p)) if (!out.has(m.userId.toLowerCase())) out.set(m.userId.toLowerCase(), m.userId);
  return [...out.values()];
}
