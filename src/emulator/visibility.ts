// What a caller can see (docs/wecom.md#visibility, docs/wecom.md#contacts-apis): an app sees its allowPartys with their
// subtrees plus its allowUsers; everything else "does not exist" for it. The contact-sync
// secret sees the whole corp. Tags aren't modelled, so allowTags adds nobody.
import type { Org } from "./org/org";
import type { AppConfig, User } from "./types";

export type Caller = { kind: "app"; app: AppConfig } | { kind: "sync"; newIp: boolean };

export interface Scope {
  all: boolean;
  departments: ReadonlySet<number>;
  /** Lower-cased userids visible individually. */
  users: ReadonlySet<string>;
}

const ALL: Scope = { all: true, departments: new Set(), users: new Set() };
// App configs are replaced, never mutated (state.ts), so the object identity is the version.
const cache = new WeakMap<AppConfig, { org: Org; deptVersion: number; scope: Scope }>();

export function scopeOf(org: Org, caller: Caller): Scope {
  if (caller.kind === "sync") return ALL;
  const hit = cache.get(caller.app);
  if (hit && hit.org === org && hit.deptVersion === org.deptVersion) return hit.scope;
  const departments = new Set<number>();
  for (const p of caller.app.allowPartys) for (const d of org.subtree(p)) departments.add(d);
  const scope: Scope = { all: false, departments, users: new Set(caller.app.allowUsers.map((u) => u.toLowerCase())) };
  cache.set(caller.app, { org, deptVersion: org.deptVersion, scope });
  return scope;
}

export function departmentVisible(org: Org, scope: Scope, id: number): boolean {
  return scope.all ? org.departments.has(id) : scope.departments.has(id);
}

export function userVisible(scope: Scope, user: User): boolean {
  return scope.all || user.department.some((d) => scope.departments.has(d)) || scope.users.has(user.userid.toLowerCase());
}

/** Visible departments, parents before children as department/list lists them (docs/wecom.md#departmentlist). */
export function visibleDepartments(org: Org, scope: Scope, from?: number): number[] {
  if (from !== undefined) return org.subtree(from).filter((d) => departmentVisible(org, scope, d));
  const ids = scope.all ? [...org.departments.keys()] : [...scope.departments];
  const tops = ids.filter((id) => {
    const d = org.departments.get(id);
    return d !== undefined && !departmentVisible(org, scope, d.parentid);
  });
  tops.sort((a, b) => a - b);
  return tops.flatMap((t) => org.subtree(t));
}
