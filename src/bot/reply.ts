import type { BindingRow } from "../db/queries/teams";
import type { Deps } from "../deps";
import { teamApi } from "../services/invitations/team-api";
import type { OutgoingMessage } from "../wecom/types";
import { clipBytes } from "./lang";

/**
 * A text message from the app to some members (message/send, wecom-reference §6). The bot replies
 * this way rather than passively: its work may outlast WeCom's 5 s window (§8.6).
 */
export async function sendText(deps: Deps, binding: BindingRow, touser: string[], content: string): Promise<void> {
  if (touser.length === 0) return;
  await sendMessage(deps, binding, { touser, msgtype: "text", text: { content: clipBytes(content) } });
}

export async function sendMessage(deps: Deps, binding: BindingRow, message: OutgoingMessage): Promise<void> {
  const sent = await teamApi(deps, binding).sendMessage(message);
  if (sent.invalidUsers.length > 0) deps.logger.warn("bot message not delivered to some users", { teamId: binding.teamId, invalidUsers: sent.invalidUsers });
}
