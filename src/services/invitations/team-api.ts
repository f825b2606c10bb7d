import type { BindingRow } from "../../db/queries/teams";
import type { Deps } from "../../deps";
import type { WecomApi } from "../../wecom/api";
import { sealContext } from "../teams/binding-view";

/** The team's WeCom API, built from its binding (as job-context.ts does). */
export function teamApi(deps: Deps, binding: BindingRow): WecomApi {
  return deps.wecom.for({
    corpId: binding.corpId,
    agentId: binding.agentId,
    secret: deps.secrets.open(binding.secretSealed, sealContext(binding.teamId, "secret")),
  });
}
