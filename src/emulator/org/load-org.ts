// Builds an Org from `{departments, users}` (a JSON file or the reset body), filling the
// fields WeCom always returns (docs/wecom.md#departmentlist, docs/wecom.md#userget) with their defaults.
import type { Department, DepartmentInput, OrgSpec, User, UserInput, UserStatus } from "../types";
import { generateOrg } from "./generate-org";
import { Org, ROOT_DEPARTMENT } from "./org";

export class OrgInputError extends Error {
  override name = "OrgInputError";
}

/** docs/wecom.md#userids (doc 90195): 1–64 bytes of `[0-9A-Za-z_-@.]`, starting with a letter or digit. */
export const USERID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_\-@.]{0,63}$/;
const STATUSES: readonly number[] = [1, 2, 4, 5];

export function buildOrg(spec: OrgSpec): Org {
  return "generate" in spec ? generateOrg(spec.generate) : loadOrg(spec);
}

export function loadOrg(input: { departments: DepartmentInput[]; users: UserInput[] }): Org {
  if (!Array.isArray(input.departments) || !Array.isArray(input.users)) throw new OrgInputError("org needs departments[] and users[]");
  const org = new Org();
  for (const d of input.departments) {
    const dept = normalizeDepartment(d);
    if (org.departments.has(dept.id)) throw new OrgInputError(`duplicate department id ${dept.id}`);
    org.putDepartment(dept);
  }
  if (!org.departments.has(ROOT_DEPARTMENT)) throw new OrgInputError("the root department (id 1) is missing");
  for (const d of org.departments.values()) {
    if (d.id !== ROOT_DEPARTMENT && !org.departments.has(d.parentid))
      throw new OrgInputError(`department ${d.id}: parent ${d.parentid} does not exist`);
  }
  for (const u of input.users) {
    const user = normalizeUser(u, (id) => org.departments.has(id));
    if (org.users.has(user.userid.toLowerCase()))
      throw new OrgInputError(`duplicate userid ${user.userid} (userids are unique ignoring case)`);
    org.putUser(user);
  }
  return org;
}

export function normalizeDepartment(d: DepartmentInput): Department {
  if (!isRecord(d) || !Number.isInteger(d.id) || d.id < 1) throw new OrgInputError("department id must be a positive integer");
  if (typeof d.name !== "string" || d.name.trim() === "") throw new OrgInputError(`department ${d.id}: name is required`);
  const out: Department = {
    id: d.id,
    name: d.name,
    parentid: d.id === ROOT_DEPARTMENT ? 0 : int(d.parentid, ROOT_DEPARTMENT, `department ${d.id}: parentid`),
    order: int(d.order, 0, `department ${d.id}: order`),
    department_leader: strings(d.department_leader, `department ${d.id}: department_leader`),
  };
  if (typeof d.name_en === "string" && d.name_en !== "") out.name_en = d.name_en;
  return out;
}

export function normalizeUser(input: UserInput, departmentExists: (id: number) => boolean): User {
  // Input comes from JSON: read it as unknown whatever the declared type says.
  const u: Record<string, unknown> = isRecord(input) ? input : {};
  if (typeof u.userid !== "string" || !USERID_PATTERN.test(u.userid)) throw new OrgInputError(`invalid userid ${JSON.stringify(u.userid)}`);
  const who = `user ${u.userid}`;
  if (typeof u.name !== "string" || u.name.trim() === "") throw new OrgInputError(`${who}: name is required`);
  const rawDept = u.department;
  if (!Array.isArray(rawDept) || rawDept.length === 0 || !rawDept.every((d) => Number.isInteger(d))) {
    throw new OrgInputError(`${who}: department must be a non-empty list of ids`);
  }
  const department = [...(rawDept as number[])];
  if (new Set(department).size !== department.length) throw new OrgInputError(`${who}: department lists an id twice`);
  for (const d of department) if (!departmentExists(d)) throw new OrgInputError(`${who}: department ${d} does not exist`);
  const parallel = (v: unknown, what: string): number[] => {
    if (v === undefined) return department.map(() => 0);
    if (!Array.isArray(v) || v.length !== department.length || !v.every((x) => Number.isInteger(x))) {
      throw new OrgInputError(`${who}: ${what} must be a list of integers as long as department`);
    }
    return v as number[];
  };
  const main = u.main_department ?? department[0];
  if (typeof main !== "number" || !department.includes(main)) throw new OrgInputError(`${who}: main_department must be one of department`);
  const status = u.status ?? 1;
  if (typeof status !== "number" || !STATUSES.includes(status)) throw new OrgInputError(`${who}: status must be 1, 2, 4 or 5`);
  if (u.gender !== undefined && (typeof u.gender !== "string" || !["0", "1", "2"].includes(u.gender)))
    throw new OrgInputError(`${who}: gender must be "0", "1" or "2"`);
  if (u.position !== undefined && typeof u.position !== "string") throw new OrgInputError(`${who}: position must be a string`);
  const user: User = {
    userid: u.userid,
    name: u.name,
    department,
    order: parallel(u.order, "order"),
    main_department: main,
    position: u.position ?? "",
    status: status as UserStatus,
    is_leader_in_dept: parallel(u.is_leader_in_dept, "is_leader_in_dept"),
    direct_leader: strings(u.direct_leader, `${who}: direct_leader`),
  };
  for (const k of ["mobile", "email", "biz_mail", "gender", "avatar", "telephone", "address", "alias"] as const) {
    const v = u[k];
    if (v === undefined) continue;
    if (typeof v !== "string") throw new OrgInputError(`${who}: ${k} must be a string`);
    (user as unknown as Record<string, string>)[k] = v;
  }
  return user;
}

function int(v: unknown, fallback: number, what: string): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || (v as number) < 0) throw new OrgInputError(`${what} must be a non-negative integer`);
  return v as number;
}

function strings(v: unknown, what: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x): x is string => typeof x === "string"))
    throw new OrgInputError(`${what} must be a list of strings`);
  return [...v];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
