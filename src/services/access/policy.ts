import { accountStanding, type Standing } from "../../db/queries/memberships";
import type { MemberRole } from "../../db/schema";
import type { Db } from "../../db/types";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import type { Actor } from "../actor";
import { judgeStanding, teamAccess, type TeamAccess } from "./team-access";
import { isWecomAdmin } from "./wecom-admin";

/**
 * Everything a verb may be asked to do, as one closed set (docs/security.md#who-may-do-what).
 * Every verb that acts on a team asks `requirePermission` for one of these before it reads or
 * writes anything of the team's.
 */
export const PERMISSIONS = [
  /** Create a team: the only permission not about one team. */
  "teams.create",
  /** Read the mirror, jobs, staged changes, audit log, deletion policy, binding and callback counts. */
  "team.read",
  /** Bind (or re-bind) the team's WeCom app: its secrets. */
  "team.bind",
  "sync.start",
  "job.cancel",
  /** Confirm or reject the deprovisions a tripped breaker staged. */
  "job.decide",
  "policy.set",
  /** Add accounts, lock, unlock or restore members, match members to accounts. */
  "members.manage",
  /** Give or take the admin role, and lock, unlock or restore an owner or admin: the owner's alone. */
  "members.roles",
  /** Give WeCom members access: authorize, invite, resend invitations. */
  "members.authorize",
  /** Webhook endpoints and their deliveries, read or changed. */
  "webhooks.manage",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** The team a verb acts on, as read by the verb (the id is what WeCom actors are bound to). */
export interface TeamRef {
  id: number;
  slug: string;
}

const TEAM_WIDE = PERMISSIONS.filter((p) => p !== "teams.create");

/**
 * What an account may do in a team, by the role of its active member row. Admins may do all but
 * decide who else is an admin: otherwise any admin could demote or lock out the others.
 */
const BY_ROLE: Record<MemberRole, readonly Permission[]> = {
  owner: TEAM_WIDE,
  admin: TEAM_WIDE.filter((p) => p !== "members.roles"),
  member: [],
};

/**
 * What a WeCom admin of the team may do from chat: what the bot and the decision cards offer.
 * Binding secrets and webhook endpoints are for the console and the API only.
 */
const WECOM_ADMIN: readonly Permission[] = [
  "team.read",
  "sync.start",
  "job.cancel",
  "job.decide",
  "policy.set",
  "members.manage",
  "members.authorize",
];

/** Schedules start syncs (reconcile); nothing else acts on a team as the system. */
const SYSTEM: readonly Permission[] = ["sync.start"];

export function forbidden(): AppError {
  return new AppError("forbidden", "需要团队管理员权限 / Only a team owner or admin may do this");
}

/** An account's standing refusal (locked, deauthorized, not a member), or what its role allows. */
function accountRefusal(rows: Standing[], permission: Permission): AppError | null {
  try {
    const { role } = judgeStanding(rows);
    return BY_ROLE[role].includes(permission) ? null : forbidden();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
}

/** Why the actor may not, or null when it may. `team` is null only for "teams.create". */
async function refusal(db: Db, actor: Actor, team: TeamRef | null, permission: Permission): Promise<AppError | null> {
  if (actor.kind === "operator") return null;
  if (team === null) return forbidden();
  switch (actor.kind) {
    case "account": {
      const found = await accountStanding(db, { slug: team.slug, accountId: actor.accountId });
      return accountRefusal(found?.teamId === team.id ? found.rows : [], permission);
    }
    case "wecom_user":
      if (actor.teamId !== team.id || !WECOM_ADMIN.includes(permission)) return forbidden();
      return (await isWecomAdmin(db, { teamId: team.id, userId: actor.userId })) ? null : forbidden();
    case "system":
      return SYSTEM.includes(permission) ? null : forbidden();
    case "callback":
      return forbidden();
  }
}

/**
 * The access policy: may this actor do this to this team? The operator may do anything; an account
 * what its role in the team allows (a locked, deauthorized or outside account nothing); a WeCom
 * user, of this team only, what a WeCom admin may; callbacks nothing; the system only start syncs.
 */
export async function can(db: Db, actor: Actor, team: TeamRef | null, permission: Permission): Promise<boolean> {
  return (await refusal(db, actor, team, permission)) === null;
}

/**
 * Throws unless `can`: 403 `forbidden`, or for an account the refusal of its standing
 * (`member_locked`, `not_authorized`, `not_a_member`), as `GET …/access` answers it.
 */
export async function requirePermission(db: Db, actor: Actor, team: TeamRef | null, permission: Permission): Promise<void> {
  const refused = await refusal(db, actor, team, permission);
  if (refused) throw refused;
}

/**
 * A session before its team is read (the team API's gate, the console, the job page): the account
 * must be an active member allowed to read the team, i.e. an owner or admin. An unknown slug is
 * `not_a_member`, like a team the account is not in.
 */
export async function requireTeamAdmin(deps: Deps, actor: Actor, slug: string): Promise<TeamAccess> {
  const access = await teamAccess(deps, actor, slug);
  if (!BY_ROLE[access.role].includes("team.read")) throw forbidden();
  return access;
}
