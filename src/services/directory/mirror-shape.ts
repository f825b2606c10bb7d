import * as nodeCrypto from "node:crypto";
import type { DepartmentRow, MemberRow } from "../../db/queries/directory";
import type { MirrorColumns } from "../../db/queries/sync-apply";
import type { SeenMember } from "../../db/queries/sync-seen";
import type { WecomDepartment, WecomSimpleUser, WecomUser } from "../../wecom/types";

/** What the mirror keeps of a member; a change in any of it is a write, nothing else is. */
export interface MemberFields extends MirrorColumns {
  wecomUserId: string;
}

export interface DepartmentFields {
  name: string;
  parentId: number;
  order: number;
}

// crypto.hash (Node ≥ 20.12) is the one-shot form, about half the CPU of a Hash object per call:
// a sync hashes every listed member. Runtimes without it (workerd's node:crypto) use createHash.
const oneShot = (nodeCrypto as { hash?: (algorithm: string, data: string, encoding: "base64url") => string }).hash;
const digest: (text: string) => string = oneShot
  ? (text) => oneShot("sha256", text, "base64url")
  : (text) => nodeCrypto.createHash("sha256").update(text).digest("base64url");
const sha = (v: unknown) => digest(JSON.stringify(v)).slice(0, 27);

// The email joins the hashed list only when there is one, so rows without (every new app's) keep
// the hash they had before the mirror learned emails: no re-sync rewrites them.
export const memberHash = (m: MemberFields) => {
  const base: unknown[] = [m.wecomUserId, m.name, m.departmentIds, m.mainDepartmentId, m.position, m.wecomStatus];
  return sha(m.email ? [...base, m.email] : base);
};

/** An email as the mirror keeps it: trimmed, lower-cased, null when absent or empty. */
export const normalEmail = (v: string | null | undefined): string | null => {
  const e = v?.trim().toLowerCase();
  return e ? e : null;
};
export const departmentHash = (d: DepartmentFields) => sha([d.name, d.parentId, d.order]);

/** userid is case-insensitive in WeCom (docs/wecom.md#userids). */
export const userKey = (userId: string) => userId.toLowerCase();

/** A WeCom user as a seen row, keeping only departments in the mirror's scope. */
export function toSeen(
  u: WecomUser | WecomSimpleUser,
  inScope: (departmentId: number) => boolean,
  allowNoDepartment = false,
): SeenMember | null {
  const full = u as WecomUser;
  // Status 5 = left the corp (docs/wecom.md#userget): treated as absent, so the brakes decide what happens.
  if (full.status === 5) return null;
  const departmentIds = [...new Set(u.department.filter(inScope))].sort((a, b) => a - b);
  if (departmentIds.length === 0 && !allowNoDepartment) return null;
  const seen: SeenMember = {
    userKey: userKey(u.userid),
    userId: u.userid,
    name: u.name,
    departmentIds,
    mainDepartmentId:
      full.main_department !== undefined && inScope(full.main_department) ? full.main_department : (departmentIds[0] ?? null),
    position: full.position || null,
    wecomStatus: full.status ?? null,
    email: normalEmail(full.email),
  };
  seen.contentHash = memberHash(seenFields(seen));
  return seen;
}

export const seenFields = (s: {
  userId: string;
  name: string;
  departmentIds: number[];
  mainDepartmentId?: number | null;
  position?: string | null;
  wecomStatus?: number | null;
  email?: string | null;
}): MemberFields => ({
  wecomUserId: s.userId,
  name: s.name,
  departmentIds: s.departmentIds,
  mainDepartmentId: s.mainDepartmentId ?? null,
  position: s.position ?? null,
  wecomStatus: s.wecomStatus ?? null,
  email: s.email ?? null,
});

export const memberFields = (
  m: Pick<MemberRow, "wecomUserId" | "name" | "departmentIds" | "mainDepartmentId" | "position" | "wecomStatus" | "email">,
): MemberFields => ({
  wecomUserId: m.wecomUserId ?? "",
  name: m.name,
  departmentIds: m.departmentIds,
  mainDepartmentId: m.mainDepartmentId,
  position: m.position,
  wecomStatus: m.wecomStatus,
  email: m.email,
});

export const departmentFields = (d: WecomDepartment | Pick<DepartmentRow, "name" | "parentId" | "order">): DepartmentFields =>
  "parentid" in d ? { name: d.name, parentId: d.parentid, order: d.order } : { name: d.name, parentId: d.parentId, order: d.order };

const sameSet = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** A member whose department set changed "moved"; any other change "updated". */
export function classifyMemberChange(before: MemberFields, after: MemberFields): "moved" | "updated" | null {
  if (memberHash(before) === memberHash(after)) return null;
  return sameSet(before.departmentIds, after.departmentIds) ? "updated" : "moved";
}
