import { adminMemberUserIds, bindingAdminUserIds, isAdminMember } from "../../db/queries/bot-admins";
import type { Db } from "../../db/types";
import { AppError } from "../../errors";
import type { Actor } from "../actor";

type WecomUser = Extract<Actor, { kind: "wecom_user" }>;

/**
 * The one rule for who may command a team from WeCom (docs/architecture.md#admin-bot): a userid in the binding's
 * `adminUserIds`, or an active owner or admin whose member row is that userid. Userids compare
 * ignoring case (docs/wecom.md#userids).
 */
export async function isWecomAdmin(db: Db, p: { teamId: number; userId: string }): Promise<boolean> {
  const key = p.userId.toLowerCase();
  if ((await bindingAdminUserIds(db, { teamId: p.teamId })).some((u) => u.toLowerCase() === key)) return true;
  return isAdminMember(db, { teamId: p.teamId, userKey: key });
}

/** Throws 403 unless the WeCom user is an admin of exactly this team. */
export async function requireWecomAdmin(db: Db, actor: WecomUser, teamId: number): Promise<void> {
  if (actor.teamId !== teamId || !(await isWecomAdmin(db, { teamId, userId: actor.userId }))) {
    throw new AppError("forbidden", "需要团队管理员权限 / Only a team owner or admin may do this");
  }
}

/** For verbs that take any actor: a WeCom user must be an admin of the team; others are checked elsewhere. */
export async function checkWecomActor(db: Db, actor: Actor, teamId: number): Promise<void> {
  if (actor.kind === "wecom_user") await requireWecomAdmin(db, actor, teamId);
}

/** Everyone who gets the team's admin cards: binding admins, then admin members (deduplicated by key). */
export async function wecomAdminUserIds(db: Db, p: { teamId: number }): Promise<string[]> {
  const out = new Map<string, string>();
  for (const u of await bindingAdminUserIds(db, p)) if (u.trim() !== "") out.set(u.toLowerCase(), u);
  for (const m of await adminMemberUserIds(db, p)) if (!out.has(m.userId.toLowerCase())) out.set(m.userId.toLowerCase(), m.userId);
  return [...out.values()];
}
