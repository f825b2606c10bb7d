// A plan of address-book changes an admin could make in WeCom, as emulator control-API calls:
// members renamed, given a new position, moved between departments (main department among the
// new ones), created and deleted; departments created, renamed, moved and deleted once empty; and
// bursts, several changes of one member back to back (a new member may be created, changed and
// deleted within its burst). Generated against a simulated copy of the org so every call is valid
// when the calls run in order; `keys` name what a call depends on (a member, the departments it
// leaves or enters), so calls sharing a key must run in plan order and the rest may overlap.
import { createRng, type Rng } from "../../src/emulator/org/prng";

export interface OrgDepartment {
  id: number;
  name: string;
  parentid: number;
  order: number;
}
export interface OrgUser {
  userid: string;
  name: string;
  department: number[];
  main_department: number;
  position: string;
  status: number;
}
export interface OrgSnapshot {
  departments: OrgDepartment[];
  users: OrgUser[];
}

export interface Change {
  kind: string;
  method: "POST" | "PATCH" | "DELETE";
  path: string;
  body?: unknown;
  keys: string[];
  /** The member's lower-cased userid, for tracing a member's changes. */
  member?: string;
}

const ROOT = 1;

/** Relative weights of each draw; a burst is one draw of 3 to 5 changes. */
const WEIGHTS: [Kind, number][] = [
  ["name", 22],
  ["position", 18],
  ["move", 20],
  ["create", 10],
  ["delete", 8],
  ["burst", 6],
  ["dept.create", 4],
  ["dept.rename", 3],
  ["dept.move", 2],
  ["dept.delete", 2],
];
type Kind = "name" | "position" | "move" | "create" | "delete" | "burst" | "dept.create" | "dept.rename" | "dept.move" | "dept.delete";

/** The simulated org: just what deciding a valid next change needs. */
class Sim {
  /** Lower-cased userids, in an array to pick from at random. */
  readonly users: string[] = [];
  readonly userIndex = new Map<string, number>();
  readonly userids = new Map<string, string>();
  readonly departmentsOf = new Map<string, number[]>();
  readonly deptIds: number[] = [];
  readonly deptIndex = new Map<number, number>();
  readonly parent = new Map<number, number>();
  readonly children = new Map<number, number>();
  /** Members of the departments this plan created (the only ones it deletes). */
  readonly createdMembers = new Map<number, number>();
  nextDept: number;
  seq = 0;

  constructor(
    org: OrgSnapshot,
    readonly rng: Rng,
    readonly tag: string,
  ) {
    for (const d of org.departments) this.addDept(d.id, d.parentid);
    for (const u of org.users) if (u.status !== 5) this.addUser(u.userid, u.department);
    this.nextDept = Math.max(0, ...this.deptIds) + 1;
  }

  addDept(id: number, parentid: number): void {
    this.deptIndex.set(id, this.deptIds.length);
    this.deptIds.push(id);
    this.parent.set(id, parentid);
    this.children.set(parentid, (this.children.get(parentid) ?? 0) + 1);
  }

  removeDept(id: number): void {
    swapRemove(this.deptIds, this.deptIndex, id);
    const p = this.parent.get(id) ?? ROOT;
    this.children.set(p, (this.children.get(p) ?? 1) - 1);
    this.parent.delete(id);
    this.createdMembers.delete(id);
  }

  moveDept(id: number, to: number): void {
    const from = this.parent.get(id) ?? ROOT;
    this.children.set(from, (this.children.get(from) ?? 1) - 1);
    this.children.set(to, (this.children.get(to) ?? 0) + 1);
    this.parent.set(id, to);
  }

  addUser(userid: string, departments: number[]): void {
    const key = userid.toLowerCase();
    this.userIndex.set(key, this.users.length);
    this.users.push(key);
    this.userids.set(key, userid);
    this.setDepartments(key, departments);
  }

  removeUser(key: string): void {
    swapRemove(this.users, this.userIndex, key);
    this.setDepartments(key, []);
    this.departmentsOf.delete(key);
    this.userids.delete(key);
  }

  setDepartments(key: string, departments: number[]): void {
    for (const d of this.departmentsOf.get(key) ?? [])
      if (this.createdMembers.has(d)) this.createdMembers.set(d, (this.createdMembers.get(d) ?? 1) - 1);
    for (const d of departments) if (this.createdMembers.has(d)) this.createdMembers.set(d, (this.createdMembers.get(d) ?? 0) + 1);
    this.departmentsOf.set(key, departments);
  }

  randomUser(): string {
    return this.userids.get(this.users[this.rng.int(this.users.length)] ?? "") ?? "";
  }

  randomDept(): number {
    return this.deptIds[this.rng.int(this.deptIds.length)] ?? ROOT;
  }

  next(): number {
    return ++this.seq;
  }
}

/** Removes `key` from a list kept for random picks, moving the last item into its place. */
function swapRemove<K>(list: K[], index: Map<K, number>, key: K): void {
  const i = index.get(key);
  if (i === undefined) return;
  const last = list.pop();
  if (last !== undefined && i < list.length) {
    list[i] = last;
    index.set(last, i);
  }
  index.delete(key);
}

const userPath = (userid: string) => `/_emulator/users/${encodeURIComponent(userid)}`;
const deptKeys = (ids: number[]) => ids.map((d) => `d:${d}`);

function memberChange(kind: string, userid: string, body: Record<string, unknown> | undefined, extraKeys: string[] = []): Change {
  const key = userid.toLowerCase();
  const method = kind === "delete" ? "DELETE" : "PATCH";
  return { kind, method, path: userPath(userid), ...(body ? { body } : {}), keys: [`u:${key}`, ...extraKeys], member: key };
}

function rename(sim: Sim, userid: string): Change {
  return memberChange("name", userid, { name: `变更${sim.tag}${sim.next()}` });
}

function newPosition(sim: Sim, userid: string): Change {
  return memberChange("position", userid, { position: `岗位${sim.tag}${sim.next()}` });
}

/** One or two departments (any, including ones this plan created), the main one among them. */
function someDepartments(sim: Sim): { department: number[]; main_department: number } {
  const first = sim.randomDept();
  const second = sim.rng.chance(0.15) ? sim.randomDept() : first;
  const department = second === first ? [first] : [first, second];
  return { department, main_department: sim.rng.pick(department) };
}

function move(sim: Sim, userid: string): Change {
  const key = userid.toLowerCase();
  const old = sim.departmentsOf.get(key) ?? [];
  const to = someDepartments(sim);
  sim.setDepartments(key, to.department);
  return memberChange("move", userid, to, deptKeys([...new Set([...old, ...to.department])]));
}

function create(sim: Sim): Change {
  const n = sim.next();
  const userid = `chg-${sim.tag}-${n}`;
  const to = someDepartments(sim);
  sim.addUser(userid, to.department);
  const body = { userid, name: `新成员${sim.tag}${n}`, position: `岗位${sim.tag}${n}`, ...to };
  return {
    kind: "create",
    method: "POST",
    path: "/_emulator/users",
    body,
    keys: [`u:${userid}`, ...deptKeys(to.department)],
    member: userid,
  };
}

function remove(sim: Sim, userid: string): Change {
  const key = userid.toLowerCase();
  const old = sim.departmentsOf.get(key) ?? [];
  sim.removeUser(key);
  return memberChange("delete", userid, undefined, deptKeys(old));
}

/** 3 to 5 changes of one member back to back: an existing one, or one created in the burst. */
function burst(sim: Sim): Change[] {
  const out: Change[] = [];
  let userid = sim.randomUser();
  if (sim.rng.chance(0.3)) {
    const made = create(sim);
    out.push({ ...made, kind: "burst.create" });
    userid = (made.body as { userid: string }).userid;
  }
  const steps = 3 + sim.rng.int(3) - out.length;
  for (let i = 0; i < steps; i++) {
    const step = sim.rng.pick([rename, newPosition, move])(sim, userid);
    out.push({ ...step, kind: `burst.${step.kind}` });
  }
  if (sim.rng.chance(0.25)) out.push({ ...remove(sim, userid), kind: "burst.delete" });
  return out;
}

function createDept(sim: Sim): Change {
  const id = sim.nextDept++;
  const parentid = sim.randomDept();
  sim.addDept(id, parentid);
  sim.createdMembers.set(id, 0);
  const body = { id, name: `变更部门${sim.tag}${sim.next()}`, parentid, order: 1000 + sim.rng.int(100_000_000) };
  return { kind: "dept.create", method: "POST", path: "/_emulator/departments", body, keys: deptKeys([id, parentid]) };
}

function renameDept(sim: Sim): Change | undefined {
  const id = sim.randomDept();
  if (id === ROOT) return undefined;
  return {
    kind: "dept.rename",
    method: "PATCH",
    path: `/_emulator/departments/${id}`,
    body: { name: `改名部门${sim.tag}${sim.next()}` },
    keys: deptKeys([id]),
  };
}

/** A department without sub-departments, so no move can put it below itself. */
function someLeaf(sim: Sim): number | undefined {
  for (let i = 0; i < 50; i++) {
    const id = sim.randomDept();
    if (id !== ROOT && (sim.children.get(id) ?? 0) === 0) return id;
  }
  return undefined;
}

function moveDept(sim: Sim): Change | undefined {
  const id = someLeaf(sim);
  const to = sim.randomDept();
  const from = id === undefined ? undefined : sim.parent.get(id);
  if (id === undefined || from === undefined || to === id || to === from) return undefined;
  sim.moveDept(id, to);
  return {
    kind: "dept.move",
    method: "PATCH",
    path: `/_emulator/departments/${id}`,
    body: { parentid: to },
    keys: deptKeys([id, from, to]),
  };
}

function deleteDept(sim: Sim): Change | undefined {
  const empty = [...sim.createdMembers].find(([id, n]) => n === 0 && (sim.children.get(id) ?? 0) === 0);
  if (!empty) return undefined;
  sim.removeDept(empty[0]);
  return { kind: "dept.delete", method: "DELETE", path: `/_emulator/departments/${empty[0]}`, keys: deptKeys([empty[0]]) };
}

function draw(sim: Sim, kind: Kind): Change[] {
  switch (kind) {
    case "name":
      return [rename(sim, sim.randomUser())];
    case "position":
      return [newPosition(sim, sim.randomUser())];
    case "move":
      return [move(sim, sim.randomUser())];
    case "create":
      return [create(sim)];
    case "delete":
      return [remove(sim, sim.randomUser())];
    case "burst":
      return burst(sim);
    case "dept.create":
      return [createDept(sim)];
    case "dept.rename":
      return [renameDept(sim)].filter((c) => c !== undefined);
    case "dept.move":
      return [moveDept(sim)].filter((c) => c !== undefined);
    case "dept.delete":
      return [deleteDept(sim)].filter((c) => c !== undefined);
  }
}

function pickKind(rng: Rng): Kind {
  const total = WEIGHTS.reduce((s, [, w]) => s + w, 0);
  let r = rng.next() * total;
  for (const [kind, w] of WEIGHTS) if ((r -= w) < 0) return kind;
  return "name";
}

/** `count` changes of `org` (deterministic for a seed); `tag` keeps new ids and names of two plans apart. */
export function planChanges(org: OrgSnapshot, count: number, seed: number, tag: string): Change[] {
  const sim = new Sim(org, createRng(seed), tag);
  const out: Change[] = [];
  while (out.length < count) out.push(...draw(sim, pickKind(sim.rng)));
  return out.slice(0, count);
}

/** How many changes of each kind a plan holds, "name 440, move 400, …". */
export function kindsText(changes: Change[]): string {
  const n = new Map<string, number>();
  for (const c of changes) n.set(c.kind, (n.get(c.kind) ?? 0) + 1);
  return [...n]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
}
