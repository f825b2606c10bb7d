import type { Deps } from "../../deps";
import type { Actor } from "../actor";
import { bindingView, callbackUrl, type BindingView } from "./binding-view";
import { teamFor } from "../directory/team-lookup";

export type BindingState = ({ bound: true } & BindingView) | { bound: false; callbackUrl: string };

export async function getBinding(deps: Deps, actor: Actor, slug: string): Promise<BindingState> {
  const found = await teamFor(deps.db, actor, slug, "team.read");
  if (!found.binding) return { bound: false, callbackUrl: callbackUrl(deps, slug) };
  return { bound: true, ...bindingView(deps, found.team, found.binding) };
}
