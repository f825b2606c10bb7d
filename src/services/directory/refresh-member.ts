import type { Deps } from "../../deps";
import { readMember, type RefreshInput, type RefreshOutcome } from "./member-observation";
import { refreshDepartments } from "./refresh-departments";

export type { RefreshInput, RefreshOutcome } from "./member-observation";

/**
 * A member callback's re-read (docs/sync.md#callbacks-are-hints), and the sync's verify step's: a
 * department the mirror lacks is looked up in a fresh tree through refreshDepartments, which
 * re-reads members through member-observation.ts itself, never through this file
 * (docs/architecture.md#imports).
 */
export function refreshMember(deps: Deps, p: RefreshInput): Promise<RefreshOutcome> {
  return readMember(deps, p, refreshDepartments);
}
