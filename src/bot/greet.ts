import { claimGreeting } from "../db/queries/bot-messages";
import type { Deps } from "../deps";
import { isWecomAdmin } from "../services/access/wecom-admin";
import { boundTeamById } from "../services/directory/team-lookup";
import { COMMANDS } from "./commands";
import { fullHelp } from "./help";
import { sendText } from "./reply";

export const GREETING_GAP_MS = 24 * 60 * 60 * 1000;

/**
 * An admin who opens the app (enter_agent) or is added to its range (subscribe) gets the help, at
 * most once a day (docs/architecture.md#admin-bot): the day is claimed in PostgreSQL before sending, so repeated
 * or concurrent events greet once. A lost greeting is not retried.
 */
export async function greetAdmin(deps: Deps, p: { teamId: number; userId: string }): Promise<boolean> {
  const found = await boundTeamById(deps.db, p.teamId);
  if (!found || !(await isWecomAdmin(deps.db, p))) return false;
  if (
    !(await claimGreeting(deps.db, { teamId: p.teamId, userKey: p.userId.toLowerCase(), now: deps.clock.now(), minGapMs: GREETING_GAP_MS }))
  )
    return false;
  const text = `你好！我是「${found.team.name}」的通讯录助手。\n${fullHelp(COMMANDS, "zh")}`;
  try {
    await sendText(deps, found.binding, [p.userId], text);
  } catch (err) {
    deps.logger.warn("bot greeting not sent", { teamId: p.teamId, userId: p.userId, error: err });
  }
  return true;
}
