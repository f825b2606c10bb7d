import { countInboxByStatus } from "../../db/queries/inbox";
import type { Deps } from "../../deps";
import type { Actor } from "../actor";
import { teamFor } from "../directory/team-lookup";

export interface CallbackStats {
  received: number;
  processed: number;
  ignored: number;
  pending: number;
  dead: number;
}

export async function callbackStats(deps: Deps, actor: Actor, slug: string): Promise<CallbackStats> {
  const { team } = await teamFor(deps.db, actor, slug, "team.read");
  const c = await countInboxByStatus(deps.db, { teamId: team.id });
  return {
    received: c.pending + c.processing + c.processed + c.ignored + c.dead + c.waiting,
    processed: c.processed,
    ignored: c.ignored,
    // Hints waiting for the first import are still to be handled.
    pending: c.pending + c.processing + c.waiting,
    dead: c.dead,
  };
}
