import { and, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import { members, wecomBindings } from "../schema";
import type { Db } from "../types";

/**
 * Admin standings: an active owner or admin whose member row carries a WeCom userid and whose link
 * WeCom vouched for (wecom_verified_at): a role merged in by match alone never commands the team.
 */
const ADMIN_ROLES = ["owner", "admin"] as const;

/** The binding's `adminUserIds` of a team ([] when it is not bound). */
export async function bindingAdminUserIds(db: Db, p: { teamId: number }): Promise<string[]> {
  const rows = await db.select({ ids: wecomBindings.adminUserIds }).from(wecomBindings).where(eq(wecomBindings.teamId, p.teamId)).limit(1);
  return rows[0]?.ids ?? [];
}

/** Is the member row of this (lower-cased) userid an active owner or admin of the team? */
export async function isAdminMember(db: Db, p: { teamId: number; userKey: string }): Promise<boolean> {
  const rows = await db
    .select({ id: members.id })
    .from(members)
    .where(
      and(
        eq(members.teamId, p.teamId),
        eq(members.wecomUserKey, p.userKey),
        eq(members.status, "active"),
        inArray(members.role, [...ADMIN_ROLES]),
        isNull(members.deprovisionedAt),
        isNotNull(members.wecomVerifiedAt),
      ),
    )
    .limit(1);
  return rows.length > 0;
}

/** Userids of the team's active owners and admins that have one. */
export async function adminMemberUserIds(db: Db, p: { teamId: number }): Promise<{ userId: string; name: string }[]> {
  const rows = await db
    .select({ userId: members.wecomUserId, name: members.name })
    .from(members)
    .where(
      and(
        eq(members.teamId, p.teamId),
        isNotNull(members.wecomUserId),
        eq(members.status, "active"),
        inArray(members.role, [...ADMIN_ROLES]),
        isNull(members.deprovisionedAt),
        isNotNull(members.wecomVerifiedAt),
      ),
    )
    .orderBy(members.id);
  return rows.flatMap((r) => (r.userId ? [{ userId: r.userId, name: r.name }] : []));
}
