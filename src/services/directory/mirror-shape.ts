import { createHash } from "node:crypto";
import type { DepartmentRow, MemberRow } from "../../db/queries/directory";
import type { SeenMember } from "../../db/queries/sync-seen";
import type { WecomDepartment, WecomSimpleUser, WecomUser } from "../../wecom/types";

/** What the mirror keeps of a member; a change in any of it is a write, nothing else is. */
export interface MemberFields {
  wecomUserId: string;
  name: string;
  departmentIds: number[];
  mainDepartmentId: number | null;
  position: string | null;
  wecomStatus: number | null;
}

export interface DepartmentFields {
  name: string;
  parentId: number;
  order: number;
}

const sha = (v: unknown) => createHash("sha256").update(JSON.stringify(v)).digest("base64url").slice(0, 27);

export const memberHash = (m: MemberFields) => sha([m.wecomUserId, m.name, m.departmentIds, m.mainDepartmentId, m.position, m.wecomStatus]);
export const departmentHash = (d: DepartmentFields) => sha([d.name, d.parentId, d.order]);

/** userid is case-insensitive in WeCom (wecom-reference §1.11). */
export const userKey = (userId: string) => userId.toLowerCase();

/** A WeCom user as a seen row, keeping only departments in the mirror's scope. */
export function toSeen(u: WecomUser | WecomSimpleUser, inScope: (departmentId: number) => boolean, allowNoDepartment = false): SeenMember | null {
  const full = u as WecomUser;
  // Status 5 = left the corp (§4.7): treated as absent, so the brakes decide what happens.
  if (full.status === 5) return null;
  const departmentIds = [...new Set(u.department.filter(inScope))].sort((a, b) => a - b);
  if (departmentIds.length === 0 && !allowNoDepartment) return null;
  return {
    userKey: userKey(u.userid),
    userId: u.userid,
    name: u.name,
    departmentIds,
    mainDepartmentId: full.main_department !== undefined && inScope(full.main_department) ? full.main_department : (departmentIds[0] ?? null),
    position: full.position || null,
    wecomStatus: full.status ?? null,
  };
}

export const seenFields = (s: { userId: string; name: string; departmentIds: number[]; mainDepartmentId?: number | null; position?: string | null; wecomStatus?: number | null }): MemberFields => ({
  wecomUserId: s.userId,
  name: s.name,
  departmentIds: s.departmentIds,
  mainDepartmentId: s.mainDepartmentId ?? null,
  position: s.position ?? null,
  wecomStatus: s.wecomStatus ?? null,
});

export const memberFields = (m: Pick<MemberRow, "wecomUserId" | "name" | "departmentIds" | "mainDepartmentId" | "position" | "wecomStatus">): MemberFields => ({
  wecomUserId: m.wecomUserId ?? "",
  name: m.name,
  departmentIds: m.departmentIds,
  mainDepartmentId: m.mainDepartmentId,
  position: m.position,
  wecomStatus: m.wecomStatus,
});

export const departmentFields = (d: WecomDepartment | Pick<DepartmentRow, "name" | "parentId" | "order">): DepartmentFields =>
  "parentid" in d ? { name: d.name, parentId: d.parentid, order: d.order } : { name: d.name, parentId: d.parentId, order: d.order };

const sameSet = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** A member whose department set changed "moved"; any other change "updated". */
export function classifyMemberChange(before: MemberFields, after: MemberFields): "moved" | "updated" | null {
  if (memberHash(before) === memberHash(after)) return null;
  return sameSet(before.departmentIds, after.departmentIds) ? "updated" : "moved";
}
