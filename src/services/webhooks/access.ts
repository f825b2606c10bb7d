import type { Deps } from "../../deps";
import type { Actor } from "../actor";
import { teamFor } from "../directory/team-lookup";

/**
 * The team whose webhooks the actor reads or changes, once the access policy let it manage them
 * (`webhooks.manage`, services/access/policy.ts: the operator or an active owner or admin of the
 * team). Answers the team's id.
 */
export async function webhookTeam(deps: Deps, actor: Actor, slug: string): Promise<number> {
  return (await teamFor(deps.db, actor, slug, "webhooks.manage")).team.id;
}
