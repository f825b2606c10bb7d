// The address book: departments by id, members by lower-cased userid (userids are unique
// ignoring case, docs/wecom.md#userids / docs/wecom.md#contacts-apis) and a per-department index of members, so
// user/list on one department never scans 100,000 members.
import type { Department, User } from "../types";

export const ROOT_DEPARTMENT = 1;

export class Org {
  readonly departments = new Map<number, Department>();
  /** Keyed by lower-cased userid. */
  readonly users = new Map<string, User>();
  /** Department id → lower-cased userids of its direct members, in insertion order. */
  private readonly members = new Map<number, Set<string>>();
  private childIndex: Map<number, number[]> | undefined;
  /** Lower-cased leader userid → lower-cased userids whose direct_leader names it; built on first use, then kept. */
  private reports: Map<string, Set<string>> | undefined;
  /** Bumped on every department change; visibility caches are keyed on it. */
  deptVersion = 0;

  getUser(userid: string): User | undefined {
    return this.users.get(userid.toLowerCase());
  }

  putDepartment(d: Department): void {
    this.departments.set(d.id, d);
    this.childIndex = undefined;
    this.deptVersion++;
  }

  removeDepartment(id: number): void {
    this.departments.delete(id);
    this.members.delete(id);
    this.childIndex = undefined;
    this.deptVersion++;
  }

  /** Adds or replaces a member under `previousKey` (a rename) or its own key. */
  putUser(user: User, previousKey?: string): void {
    const oldKey = previousKey ?? user.userid.toLowerCase();
    const old = this.users.get(oldKey);
    if (old) this.removeUser(oldKey);
    const key = user.userid.toLowerCase();
    this.users.set(key, user);
    this.indexLeaders(user, key);
    for (const d of user.department) {
      let set = this.members.get(d);
      if (!set) this.members.set(d, (set = new Set()));
      set.add(key);
    }
  }

  removeUser(userid: string): User | undefined {
    const key = userid.toLowerCase();
    const user = this.users.get(key);
    if (!user) return undefined;
    this.users.delete(key);
    this.unindexLeaders(user, key);
    for (const d of user.department) this.members.get(d)?.delete(key);
    return user;
  }

  /** Lower-cased userids of the members whose direct_leader names `leader`. */
  reportsOf(leader: string): string[] {
    if (!this.reports) {
      this.reports = new Map();
      for (const [key, u] of this.users) this.indexLeaders(u, key);
    }
    return [...(this.reports.get(leader.toLowerCase()) ?? [])];
  }

  setDirectLeader(user: User, list: readonly string[]): void {
    const key = user.userid.toLowerCase();
    this.unindexLeaders(user, key);
    user.direct_leader = list;
    this.indexLeaders(user, key);
  }

  private indexLeaders(user: User, key: string): void {
    if (!this.reports) return;
    for (const leader of user.direct_leader) {
      const l = leader.toLowerCase();
      let set = this.reports.get(l);
      if (!set) this.reports.set(l, (set = new Set()));
      set.add(key);
    }
  }

  private unindexLeaders(user: User, key: string): void {
    for (const leader of user.direct_leader) this.reports?.get(leader.toLowerCase())?.delete(key);
  }

  /** Direct members of one department (user/list has no fetch_child, docs/wecom.md#usersimplelist-and-userlist). */
  *membersOf(id: number): Generator<User> {
    for (const key of this.members.get(id) ?? []) {
      const u = this.users.get(key);
      if (u) yield u;
    }
  }

  memberCount(id: number): number {
    return this.members.get(id)?.size ?? 0;
  }

  children(id: number): readonly number[] {
    if (!this.childIndex) {
      const index = new Map<number, number[]>();
      for (const d of this.departments.values()) {
        if (d.id === d.parentid || !this.departments.has(d.parentid)) continue;
        let list = index.get(d.parentid);
        if (!list) index.set(d.parentid, (list = []));
        list.push(d.id);
      }
      for (const list of index.values()) list.sort((a, b) => a - b);
      this.childIndex = index;
    }
    return this.childIndex.get(id) ?? [];
  }

  /** `id` and every department below it, parents before children. */
  subtree(id: number): number[] {
    const out: number[] = [];
    const stack = [id];
    while (stack.length > 0) {
      const next = stack.pop();
      if (next === undefined || !this.departments.has(next)) continue;
      out.push(next);
      const kids = this.children(next);
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] ?? 0);
    }
    return out;
  }

  isAncestorOrSelf(ancestor: number, id: number): boolean {
    const seen = new Set<number>();
    for (let cur: number | undefined = id; cur !== undefined && !seen.has(cur);) {
      if (cur === ancestor) return true;
      seen.add(cur);
      const d = this.departments.get(cur);
      cur = d && d.parentid !== d.id ? d.parentid : undefined;
    }
    return false;
  }

  toJSON(): { departments: Department[]; users: User[] } {
    return { departments: [...this.departments.values()], users: [...this.users.values()] };
  }
}
