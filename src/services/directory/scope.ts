import type { WecomAgent, WecomDepartment } from "../../wecom/types";

/**
 * The departments the mirror covers: what the app sees (WeCom already limits its listings to the
 * visibility range), narrowed to the binding's chosen departments with their subtrees (docs/sync.md#scope).
 */
export function departmentsInScope(all: WecomDepartment[], scopeIds: number[] | null): WecomDepartment[] {
  if (!scopeIds || scopeIds.length === 0) return all;
  const roots = new Set(scopeIds);
  const parent = new Map(all.map((d) => [d.id, d.parentid]));
  const inScope = (id: number): boolean => {
    for (let cur: number | undefined = id, hops = 0; cur !== undefined && hops < 64; cur = parent.get(cur), hops++) {
      if (roots.has(cur)) return true;
    }
    return false;
  };
  return all.filter((d) => inScope(d.id));
}

/** Members the app sees one by one (allow_userinfos) rather than through a department. */
export function individuallyVisible(agent: WecomAgent, scopeIds: number[] | null): string[] {
  return scopeIds && scopeIds.length > 0 ? [] : agent.allowUserIds;
}
