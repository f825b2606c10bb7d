// Address-book changes made through the control API, as an admin would make them in WeCom.
// Each returns the change_contact event WeCom would push (docs/wecom.md#events-handled): full fields
// on create_user, only the changed ones on update_user (NewUserID on a rename), ids only on
// deletes.
import type { XmlField, XmlValue } from "../callbacks/payloads";
import type { EmulatorState } from "../state";
import type { Department, DepartmentInput, User, UserInput } from "../types";
import { normalizeDepartment, normalizeUser, OrgInputError, USERID_PATTERN } from "./load-org";
import { ROOT_DEPARTMENT } from "./org";

export class MutationError extends Error {
  override name = "MutationError";
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ContactEvent {
  changeType: "create_user" | "update_user" | "delete_user" | "create_party" | "update_party" | "delete_party";
  fields: XmlField[];
}

type Json = Record<string, unknown>;

const USER_KEYS = [
  "name",
  "department",
  "order",
  "main_department",
  "position",
  "status",
  "mobile",
  "email",
  "biz_mail",
  "gender",
  "avatar",
  "telephone",
  "address",
  "alias",
  "is_leader_in_dept",
  "direct_leader",
  "newUserId",
  "new_userid",
];
const DEPARTMENT_KEYS = ["name", "name_en", "parentid", "order", "department_leader"];

function record(v: unknown, what: string): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new MutationError(400, "invalid_body", `${what} must be a JSON object`);
  return v as Json;
}

function onlyKeys(body: Json, allowed: readonly string[]): void {
  const extra = Object.keys(body).filter((k) => !allowed.includes(k));
  if (extra.length) throw new MutationError(400, "unknown_fields", `unknown fields: ${extra.join(", ")} (allowed: ${allowed.join(", ")})`);
}

function validated<T>(build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof OrgInputError) throw new MutationError(400, "invalid_field", e.message);
    throw e;
  }
}

/** Field names as in WeCom's samples (docs/wecom.md#events-handled), in their order. */
function userFields(u: User): [string, XmlValue | undefined][] {
  return [
    ["Name", u.name],
    ["Department", u.department.join(",")],
    ["MainDepartment", u.main_department],
    ["IsLeaderInDept", u.is_leader_in_dept.join(",")],
    ["DirectLeader", u.direct_leader.join(",")],
    ["Position", u.position],
    ["Mobile", u.mobile],
    ["Gender", u.gender === undefined ? undefined : Number(u.gender)],
    ["Email", u.email],
    ["BizMail", u.biz_mail],
    ["Status", u.status],
    ["Avatar", u.avatar],
    ["Alias", u.alias],
    ["Telephone", u.telephone],
    ["Address", u.address],
  ];
}

export function createUser(state: EmulatorState, input: unknown): { user: User; event: ContactEvent } {
  const body = record(input, "user");
  onlyKeys(body, ["userid", ...USER_KEYS.filter((k) => k !== "newUserId" && k !== "new_userid")]);
  const org = state.org;
  const user = validated(() => normalizeUser(body as UserInput, (id) => org.departments.has(id)));
  if (org.getUser(user.userid))
    throw new MutationError(409, "userid_taken", `userid ${user.userid} exists (userids are unique ignoring case)`);
  org.putUser(user);
  syncLeaders(state, undefined, user);
  return { user, event: { changeType: "create_user", fields: [["UserID", user.userid], ...userFields(user)] } };
}

export function updateUser(state: EmulatorState, userid: string, input: unknown): { user: User; event: ContactEvent | undefined } {
  const body = record(input, "patch");
  onlyKeys(body, USER_KEYS);
  const org = state.org;
  const old = org.getUser(userid);
  if (!old) throw new MutationError(404, "user_not_found", `no user ${userid}`);
  const newId = body.newUserId ?? body.new_userid;
  if (newId !== undefined) {
    if (typeof newId !== "string" || !USERID_PATTERN.test(newId))
      throw new MutationError(400, "invalid_field", "newUserId is not a valid userid");
    const clash = org.getUser(newId);
    if (clash && clash !== old) throw new MutationError(409, "userid_taken", `userid ${newId} exists (userids are unique ignoring case)`);
  }
  const merged: Json = { ...old, ...body, userid: newId ?? old.userid };
  delete merged.newUserId;
  delete merged.new_userid;
  if (Array.isArray(body.department)) {
    // Keep per-department values for departments the member stays in.
    const dept = body.department as number[];
    const carry = (arr: readonly number[]) => dept.map((d) => arr[old.department.indexOf(d)] ?? 0);
    if (body.order === undefined) merged.order = carry(old.order);
    if (body.is_leader_in_dept === undefined) merged.is_leader_in_dept = carry(old.is_leader_in_dept);
    if (body.main_department === undefined && !dept.includes(old.main_department)) merged.main_department = dept[0];
  }
  const user = validated(() => normalizeUser(merged as UserInput, (id) => org.departments.has(id)));
  org.putUser(user, old.userid.toLowerCase());
  if (user.userid !== old.userid) renameReferences(state, old.userid, user.userid);
  syncLeaders(state, old, user);

  const before = new Map(userFields(old));
  const text = (v: XmlValue | undefined) => (v === undefined ? "" : typeof v === "object" ? v.bare : String(v));
  const changed = userFields(user)
    .filter(([k, v]) => text(v) !== text(before.get(k)))
    .map(([k, v]): XmlField => [k, v ?? ""]);
  const renamed = user.userid !== old.userid;
  if (!renamed && changed.length === 0) return { user, event: undefined };
  return {
    user,
    event: {
      changeType: "update_user",
      fields: [["UserID", old.userid], ...(renamed ? ([["NewUserID", user.userid]] as XmlField[]) : []), ...changed],
    },
  };
}

export function deleteUser(state: EmulatorState, userid: string): { user: User; event: ContactEvent } {
  const user = state.org.removeUser(userid);
  if (!user) throw new MutationError(404, "user_not_found", `no user ${userid}`);
  syncLeaders(state, user, undefined);
  renameReferences(state, user.userid, undefined);
  return { user, event: { changeType: "delete_user", fields: [["UserID", user.userid]] } };
}

export function createDepartment(state: EmulatorState, input: unknown): { department: Department; event: ContactEvent } {
  const body = record(input, "department");
  onlyKeys(body, ["id", ...DEPARTMENT_KEYS]);
  const org = state.org;
  const id = body.id ?? Math.max(0, ...org.departments.keys()) + 1;
  if (typeof id !== "number") throw new MutationError(400, "invalid_field", "id must be an integer");
  if (org.departments.has(id)) throw new MutationError(409, "department_exists", `department ${id} exists`);
  const department = validated(() => normalizeDepartment({ ...body, id, parentid: body.parentid ?? ROOT_DEPARTMENT } as DepartmentInput));
  if (!org.departments.has(department.parentid))
    throw new MutationError(400, "invalid_field", `parent ${department.parentid} does not exist`);
  uniqueSiblingName(state, department);
  org.putDepartment(department);
  return {
    department,
    event: {
      changeType: "create_party",
      fields: [
        ["Id", department.id],
        ["Name", department.name],
        ["ParentId", String(department.parentid)],
        ["Order", department.order],
      ],
    },
  };
}

export function updateDepartment(
  state: EmulatorState,
  id: number,
  input: unknown,
): { department: Department; event: ContactEvent | undefined } {
  const body = record(input, "patch");
  onlyKeys(body, DEPARTMENT_KEYS);
  const org = state.org;
  const old = org.departments.get(id);
  if (!old) throw new MutationError(404, "department_not_found", `no department ${id}`);
  const department = validated(() => normalizeDepartment({ ...old, ...body, id }));
  if (id === ROOT_DEPARTMENT && body.parentid !== undefined && body.parentid !== 0)
    throw new MutationError(400, "invalid_field", "the root department cannot move");
  if (department.parentid !== old.parentid) {
    if (!org.departments.has(department.parentid))
      throw new MutationError(400, "invalid_field", `parent ${department.parentid} does not exist`);
    if (org.isAncestorOrSelf(id, department.parentid))
      throw new MutationError(400, "invalid_field", "a department cannot move below itself");
  }
  if (department.name !== old.name || department.parentid !== old.parentid) uniqueSiblingName(state, department);
  org.putDepartment(department);
  // update_party carries Id plus the changed Name / ParentId (docs/wecom.md#events-handled).
  const fields: XmlField[] = [["Id", id]];
  if (department.name !== old.name) fields.push(["Name", department.name]);
  if (department.parentid !== old.parentid) fields.push(["ParentId", String(department.parentid)]);
  const changed = JSON.stringify(department) !== JSON.stringify(old);
  return { department, event: changed ? { changeType: "update_party", fields } : undefined };
}

/** WeCom refuses to delete a department with members (60005) or sub-departments (60006). */
export function deleteDepartment(state: EmulatorState, id: number): { department: Department; event: ContactEvent } {
  const org = state.org;
  const department = org.departments.get(id);
  if (!department) throw new MutationError(404, "department_not_found", `no department ${id}`);
  if (id === ROOT_DEPARTMENT) throw new MutationError(400, "invalid_field", "the root department cannot be deleted");
  if (org.children(id).length > 0)
    throw new MutationError(409, "department_has_children", `department ${id} has sub-departments (WeCom 60006)`);
  if (org.memberCount(id) > 0) throw new MutationError(409, "department_has_members", `department ${id} has members (WeCom 60005)`);
  org.removeDepartment(id);
  return { department, event: { changeType: "delete_party", fields: [["Id", id]] } };
}

// WeCom: one name per parent (60008).
function uniqueSiblingName(state: EmulatorState, d: Department): void {
  for (const sib of state.org.children(d.parentid)) {
    if (sib !== d.id && state.org.departments.get(sib)?.name === d.name) {
      throw new MutationError(
        409,
        "department_name_taken",
        `a department named ${d.name} already exists under ${d.parentid} (WeCom 60008)`,
      );
    }
  }
}

/** Keeps department_leader in step with the member's is_leader_in_dept flags. */
function syncLeaders(state: EmulatorState, before: User | undefined, after: User | undefined): void {
  const touched = new Set([...(before?.department ?? []), ...(after?.department ?? [])]);
  for (const id of touched) {
    const dept = state.org.departments.get(id);
    if (!dept) continue;
    const drop = new Set([before?.userid.toLowerCase(), after?.userid.toLowerCase()]);
    const leaders = dept.department_leader.filter((l) => !drop.has(l.toLowerCase()));
    const i = after ? after.department.indexOf(id) : -1;
    if (after && i >= 0 && after.is_leader_in_dept[i] === 1) leaders.push(after.userid);
    if (leaders.join("|") !== dept.department_leader.join("|")) dept.department_leader = leaders;
  }
}

/** A rename (to) or delete (to undefined) updates direct_leader, leaders and app ranges. */
function renameReferences(state: EmulatorState, from: string, to: string | undefined): void {
  const key = from.toLowerCase();
  const map = (list: readonly string[]) => list.flatMap((x) => (x.toLowerCase() === key ? (to === undefined ? [] : [to]) : [x]));
  for (const report of state.org.reportsOf(key)) {
    const u = state.org.users.get(report);
    if (u) state.org.setDirectLeader(u, map(u.direct_leader));
  }
  for (const d of state.org.departments.values()) {
    if (d.department_leader.some((x) => x.toLowerCase() === key)) d.department_leader = map(d.department_leader);
  }
  if (to === undefined) return;
  for (const app of state.apps.values()) {
    if (app.allowUsers.some((x) => x.toLowerCase() === key)) state.putApp({ ...app, allowUsers: map(app.allowUsers) });
  }
  if (state.signedIn && "userid" in state.signedIn && state.signedIn.userid.toLowerCase() === key) state.signedIn = { userid: to };
}
