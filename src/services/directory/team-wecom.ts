import { findBindingByTeamId } from "../../db/queries/bindings";
import type { Deps } from "../../deps";
import type { WecomApi } from "../../wecom/api";
import { teamApi } from "../invitations/team-api";

export interface TeamWecom {
  /** The departments the team mirrors (null: the app's whole range). */
  scopeDepartmentIds: number[] | null;
  /** Opens the binding's secret only when called, once the caller knows it will talk to WeCom. */
  api(): WecomApi;
}

/** A team's WeCom binding, for work that is no actor's (a contact callback); null while the team is unbound. */
export async function teamWecom(deps: Deps, teamId: number): Promise<TeamWecom | null> {
  const binding = await findBindingByTeamId(deps.db, { teamId });
  if (!binding) return null;
  return { scopeDepartmentIds: binding.scopeDepartmentIds, api: () => teamApi(deps, binding) };
}
