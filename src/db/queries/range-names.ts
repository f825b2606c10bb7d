import { and, eq, inArray } from "drizzle-orm";
import { departments, members } from "../schema";
import type { Db } from "../types";

/** The mirror's names for these department ids (those it has). */
export async function departmentNamesByIds(db: Db, p: { teamId: number; ids: number[] }): Promise<{ id: number; name: string }[]> {
  if (p.ids.length === 0) return [];
  return db
    .select({ id: departments.id, name: departments.name })
    .from(departments)
    .where(and(eq(departments.teamId, p.teamId), inArray(departments.id, p.ids)));
}

/** The mirror's members for these lower-cased userids (those it has). */
export async function membersByKeys(db: Db, p: { teamId: number; keys: string[] }): Promise<{ id: number; key: string; name: string }[]> {
  if (p.keys.length === 0) return [];
  const rows = await db
    .select({ id: members.id, key: members.wecomUserKey, name: members.name })
    .from(members)
    .where(and(eq(members.teamId, p.teamId), inArray(members.wecomUserKey, p.keys)));
  return rows.flatMap((r) => (r.key === null ? [] : [{ id: r.id, key: r.key, name: r.name }]));
}
