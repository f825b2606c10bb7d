import { findTeamWithBinding } from "../../db/queries/teams";
import type { Deps } from "../../deps";
import { AppError, teamNotFound } from "../../errors";
import { sealContext } from "../teams/binding-view";

export interface CallbackKeys {
  teamId: number;
  corpId: string;
  token: string;
  encodingAesKey: string;
}

export async function loadCallbackKeys(deps: Deps, slug: string): Promise<CallbackKeys> {
  const found = await findTeamWithBinding(deps.db, { slug });
  if (!found) throw teamNotFound(slug);
  const { team, binding } = found;
  if (!binding) throw new AppError("not_bound", `团队 ${slug} 尚未绑定企业微信 / Team ${slug} is not bound to WeCom`);
  return {
    teamId: team.id,
    corpId: binding.corpId,
    token: deps.secrets.open(binding.tokenSealed, sealContext(team.id, "token")),
    encodingAesKey: deps.secrets.open(binding.aesKeySealed, sealContext(team.id, "aes_key")),
  };
}
