// Deterministic generated address books: same spec → same org. 2,000 departments and
// 100,000 members build in well under a second; per-member arrays that repeat (orders,
// leader flags, direct leaders) are shared to keep memory low (see types.ts).
import type { Department, GenerateSpec, User, UserStatus } from "../types";
import { CENTERS, DEPARTMENTS, GIVEN, PLACES, POSITIONS, SURNAMES, TEAMS } from "./names";
import { Org, ROOT_DEPARTMENT } from "./org";
import { createRng, type Rng } from "./prng";

/** WeCom documents no depth limit (docs/wecom.md#contacts-apis); real trees stay shallow, the brief asks for ≤ ~6 levels. */
const MAX_DEPTH = 6;
const ROOT_NAME = "模拟科技有限公司";
const MAIL_DOMAIN = "emu.example.com";
const BIZ_MAIL_DOMAIN = "emu.wecom.work";

export function generateOrg(spec: GenerateSpec): Org {
  const { departments: nd, users: nu } = spec;
  if (!Number.isInteger(nd) || nd < 1) throw new RangeError("departments must be an integer ≥ 1");
  if (!Number.isInteger(nu) || nu < 0) throw new RangeError("users must be an integer ≥ 0");
  const rng = createRng(spec.seed);
  const org = new Org();
  generateDepartments(org, nd, rng);
  generateUsers(org, nd, nu, rng);
  return org;
}

function generateDepartments(org: Org, nd: number, rng: Rng): void {
  org.putDepartment({ id: ROOT_DEPARTMENT, name: ROOT_NAME, name_en: "Emu Tech", parentid: 0, order: 100000000, department_leader: [] });
  const depth = new Map<number, number>([[ROOT_DEPARTMENT, 1]]);
  const usedNames = new Map<number, Set<string>>();
  const siblings = new Map<number, number>();
  // Level 2 first (a handful of centers), then a random recursive tree below them.
  const centers = Math.min(nd - 1, Math.max(3, Math.min(CENTERS.length, Math.round(Math.sqrt(nd) / 3))));
  const canParent: number[] = [];
  for (let id = 2; id <= nd; id++) {
    const parent = id <= centers + 1 || canParent.length === 0 ? ROOT_DEPARTMENT : rng.pick(canParent);
    const level = (depth.get(parent) ?? 1) + 1;
    depth.set(id, level);
    if (level < MAX_DEPTH) canParent.push(id);
    const nth = (siblings.get(parent) ?? 0) + 1;
    siblings.set(parent, nth);
    const [base, en] = baseName(level, id, rng);
    const d: Department = {
      id,
      name: uniqueName(usedNames, parent, base, rng),
      parentid: parent,
      order: 100000000 - nth * 1000,
      department_leader: [],
    };
    if (en !== undefined && d.name === base) d.name_en = en;
    org.putDepartment(d);
  }
}

function baseName(level: number, id: number, rng: Rng): [string, string | undefined] {
  if (level === 2) {
    const c = CENTERS[(id - 2) % CENTERS.length] ?? rng.pick(CENTERS);
    return [c[0], c[1]];
  }
  return [level === 3 ? rng.pick(DEPARTMENTS) : rng.pick(TEAMS), undefined];
}

// WeCom refuses two departments with one name under one parent (60008), so suffix.
function uniqueName(used: Map<number, Set<string>>, parent: number, base: string, rng: Rng): string {
  let set = used.get(parent);
  if (!set) used.set(parent, (set = new Set()));
  let name = base;
  if (set.has(name)) name = `${rng.pick(PLACES)}${base}`;
  for (let n = 2; set.has(name); n++) name = `${base}${n}`;
  set.add(name);
  return name;
}

// Shared by many members, so frozen: a stray in-place edit would change them all.
const ZEROS: readonly (readonly number[])[] = [[], [0], [0, 0], [0, 0, 0]].map((a) => Object.freeze(a));
const NO_LEADER: readonly string[] = Object.freeze([]);

function generateUsers(org: Org, nd: number, nu: number, rng: Rng): void {
  const firstDept = nd > 1 ? 2 : ROOT_DEPARTMENT;
  const span = nd - firstDept + 1;
  const nextSuffix = new Map<string, number>();
  for (let i = 0; i < nu; i++) {
    const [sn, sp] = rng.pick(SURNAMES);
    const g1 = rng.pick(GIVEN);
    const g2 = rng.chance(0.6) ? rng.pick(GIVEN) : undefined;
    const name = `${sn}${g1[0]}${g2?.[0] ?? ""}`;
    const base = `${sp}${g1[1]}${g2?.[1] ?? ""}`;
    let n = nextSuffix.get(base) ?? 1;
    let userid = n === 1 ? base : `${base}${n}`;
    while (org.users.has(userid)) userid = `${base}${++n}`;
    nextSuffix.set(base, n + 1);

    const main = firstDept + rng.int(span);
    const department = [main];
    // ~10 % belong to two or three departments.
    const extra = rng.chance(0.1) ? (rng.chance(0.3) ? 2 : 1) : 0;
    for (let k = 0; k < extra && span > department.length; k++) {
      let d = firstDept + rng.int(span);
      while (department.includes(d)) d = firstDept + ((d - firstDept + 1) % span);
      department.push(d);
    }
    const r = rng.next();
    const status: UserStatus = r < 0.01 ? 2 : r < 0.04 ? 4 : 1;
    const zeros = ZEROS[department.length] ?? department.map(() => 0);
    const user: User = {
      userid,
      name,
      department,
      order: zeros,
      main_department: main,
      position: rng.pick(POSITIONS),
      status,
      mobile: `1${rng.pick(["3", "5", "7", "8", "9"])}${String(rng.int(1_000_000_000)).padStart(9, "0")}`,
      email: `${userid}@${MAIL_DOMAIN}`,
      biz_mail: `${userid}@${BIZ_MAIL_DOMAIN}`,
      gender: rng.chance(0.5) ? "1" : "2",
      is_leader_in_dept: zeros,
      direct_leader: NO_LEADER,
    };
    org.putUser(user);
  }
  assignLeaders(org);
}

// The first member of each department leads it; everyone else reports to the leader of
// their main department (or of its parent, for the leader themself).
function assignLeaders(org: Org): void {
  const leaderOf = new Map<number, string>();
  const leaderList = new Map<number, readonly string[]>();
  for (const d of org.departments.values()) {
    const first = org.membersOf(d.id).next();
    if (first.done) continue;
    leaderOf.set(d.id, first.value.userid);
    const list = Object.freeze([first.value.userid]);
    leaderList.set(d.id, list);
    d.department_leader = list;
  }
  for (const u of org.users.values()) {
    if (u.department.some((d) => leaderOf.get(d) === u.userid)) {
      u.is_leader_in_dept = u.department.map((d) => (leaderOf.get(d) === u.userid ? 1 : 0));
    }
    const own = leaderOf.get(u.main_department);
    if (own !== undefined && own !== u.userid) org.setDirectLeader(u, leaderList.get(u.main_department) ?? NO_LEADER);
    else {
      const parent = org.departments.get(u.main_department)?.parentid;
      const up = parent === undefined ? undefined : leaderList.get(parent);
      if (up && up[0] !== u.userid) org.setDirectLeader(u, up);
    }
  }
}
