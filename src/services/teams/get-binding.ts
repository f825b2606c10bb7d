import { findTeamWithBinding } from "../../db/queries/teams";
import type { Deps } from "../../deps";
import { teamNotFound } from "../../errors";
import type { Actor } from "../actor";
import { bindingView, callbackUrl, type BindingView } from "./binding-view";

export type BindingState = ({ bound: true } & BindingView) | { bound: false; callbackUrl: string };

export async function getBinding(deps: Deps, _actor: Actor, slug: string): Promise<BindingState> {
  const found = await findTeamWithBinding(deps.db, { slug });
  if (!found) throw teamNotFound(slug);
  if (!found.binding) return { bound: false, callbackUrl: callbackUrl(deps.config, slug) };
  return { bound: true, ...bindingView(deps.config, deps.secrets, found.team, found.binding) };
}
