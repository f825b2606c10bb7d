import { departmentNamesByIds, membersByKeys } from "../../db/queries/range-names";
import type { Deps } from "../../deps";
import type { Actor } from "../actor";
import { boundTeamFor } from "../directory/team-lookup";
import { teamApi } from "../invitations/team-api";
import { wecomToAppError } from "../wecom-errors";
import { describeRange, type BindResult } from "./bind-wecom";

/** Past this many, the page lists the first ones and says how many more (a range can name thousands of people). */
const LISTED = 200;

export interface LiveVisibility {
  agentName: string;
  closed: boolean;
  wholeCorp: boolean;
  /** Departments in range (each with its sub-departments), named as the mirror has them. */
  departments: { id: number; name: string | null }[];
  /** Single members in range; `memberId` when the mirror has them. */
  users: { userId: string; name: string | null; memberId: number | null }[];
  tagIds: number[];
  /** How many departments and users the range holds in all (the lists stop at LISTED). */
  totals: { departments: number; users: number };
  warnings: BindResult["warnings"];
}

/**
 * The app's visibility range as WeCom reports it now (agent/get, docs/wecom.md#visibility), read
 * live each time: it is set in WeCom's admin console and changes there without telling the service.
 * WeCom's refusals are wecom_rejected (with errcode and hint) or wecom_unavailable, like any call.
 */
export async function readVisibility(deps: Deps, actor: Actor, slug: string): Promise<LiveVisibility> {
  const { team, binding } = await boundTeamFor(deps.db, actor, slug, "team.read");
  let agent;
  try {
    agent = await teamApi(deps, binding).getAgent();
  } catch (err) {
    throw wecomToAppError(err);
  }
  const { visibility, warnings } = describeRange(deps, agent);
  const deptIds = visibility.departmentIds.slice(0, LISTED);
  const userIds = visibility.userIds.slice(0, LISTED);
  const [names, known] = await Promise.all([
    departmentNamesByIds(deps.db, { teamId: team.id, ids: deptIds }),
    membersByKeys(deps.db, { teamId: team.id, keys: userIds.map((u) => u.toLowerCase()) }),
  ]);
  const nameOf = new Map(names.map((d) => [d.id, d.name]));
  const memberOf = new Map(known.map((m) => [m.key, m]));
  return {
    agentName: agent.name,
    closed: agent.closed,
    wholeCorp: visibility.wholeCorp,
    departments: deptIds.map((id) => ({ id, name: nameOf.get(id) ?? null })),
    users: userIds.map((userId) => {
      const m = memberOf.get(userId.toLowerCase());
      return { userId, name: m?.name ?? null, memberId: m?.id ?? null };
    }),
    tagIds: visibility.tagIds,
    totals: { departments: visibility.departmentIds.length, users: visibility.userIds.length },
    warnings,
  };
}
