import { z } from "zod";
import { appendAudit } from "../../db/queries/audit";
import { readPolicy, writePolicy } from "../../db/queries/policies";
import type { DeletionPolicy } from "../../db/schema";
import type { Deps } from "../../deps";
import { actorLabel, initiatorOf, type Actor } from "../actor";
import { auditEntry } from "./audit-entry";
import { parseInput } from "../validate";
import { teamFor } from "./team-lookup";

export type { DeletionPolicy };

const POLICIES = ["remove", "lock", "deauthorize"] as const satisfies readonly DeletionPolicy[];

/** `PUT /api/teams/:slug/policy`. */
export const PolicyInput = z.object({ onMemberDeleted: z.enum(POLICIES, { error: "remove | lock | deauthorize" }) });

export async function getPolicy(deps: Deps, actor: Actor, slug: string): Promise<{ onMemberDeleted: DeletionPolicy }> {
  const { team } = await teamFor(deps.db, actor, slug, "team.read");
  return { onMemberDeleted: (await readPolicy(deps.db, { teamId: team.id })).onMemberDeleted };
}

/** What happens to a member deleted in WeCom (docs/sync.md#deletion-policies). */
export async function setPolicy(deps: Deps, actor: Actor, slug: string, input: unknown): Promise<{ onMemberDeleted: DeletionPolicy }> {
  const { onMemberDeleted: value } = parseInput(PolicyInput, input, {
    lenient: true,
    message: "策略必须是 remove、lock 或 deauthorize / The policy must be remove, lock or deauthorize",
  });
  const { team } = await teamFor(deps.db, actor, slug, "policy.set");
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const before = await readPolicy(tx, { teamId: team.id });
    await writePolicy(tx, { teamId: team.id, onMemberDeleted: value, now });
    await appendAudit(tx, [
      auditEntry({
        teamId: team.id,
        at: now,
        initiator: initiatorOf(actor),
        actor: actorLabel(actor),
        action: "policy.changed",
        subjectType: "policy",
        subjectId: team.id,
        before: { onMemberDeleted: before.onMemberDeleted },
        after: { onMemberDeleted: value },
      }),
    ]);
  });
  return { onMemberDeleted: value };
}
