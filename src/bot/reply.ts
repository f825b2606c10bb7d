import type { Deps } from "../deps";
import type { BindingRow } from "../services/directory/team-lookup";
import { teamApi } from "../services/invitations/team-api";
import { WecomApiError } from "../wecom/api-error";
import type { OutgoingMessage } from "../wecom/types";
import { clipBytes } from "./lang";

/**
 * A text message from the app to some members (message/send, docs/wecom.md#messages-and-cards). The bot replies
 * this way rather than passively: its work may outlast WeCom's 5 s window (docs/wecom.md#passive-replies).
 */
export async function sendText(deps: Deps, binding: BindingRow, touser: string[], content: string): Promise<void> {
  if (touser.length === 0) return;
  await sendMessage(deps, binding, { touser, msgtype: "text", text: { content: clipBytes(content) } });
}

/** 81013: none of the recipients is in the app's visibility range (docs/wecom.md#messages-and-cards); sending again cannot help. */
const NO_VALID_RECIPIENT = 81013;

export async function sendMessage(deps: Deps, binding: BindingRow, message: OutgoingMessage): Promise<void> {
  let sent;
  try {
    sent = await teamApi(deps, binding).sendMessage(message);
  } catch (err) {
    if (!(err instanceof WecomApiError) || err.errcode !== NO_VALID_RECIPIENT) throw err;
    deps.logger.warn("bot message reached nobody: no recipient is visible to the app", { teamId: binding.teamId, errcode: err.errcode });
    return;
  }
  if (sent.invalidUsers.length > 0)
    deps.logger.warn("bot message not delivered to some users", { teamId: binding.teamId, invalidUsers: sent.invalidUsers });
}
