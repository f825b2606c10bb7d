import type { Deps } from "../deps";
import { wecomAdminUserIds } from "../services/access/wecom-admin";
import { boundTeamById } from "../services/directory/team-lookup";
import { findEndpointById } from "../services/webhooks/endpoints";
import { sendText } from "./reply";

/** The receiver's address without its query, which may carry a token of the receiving application. */
function shownUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

/**
 * Tells the team's WeCom admins (binding admins and admin members, as for decision cards) that an
 * endpoint was disabled after failing for a day, in both languages (no command picked one), with
 * the console page where it is enabled again (docs/webhooks.md#disabling).
 */
export async function tellEndpointDisabled(deps: Deps, endpointId: string): Promise<void> {
  const endpoint = await findEndpointById(deps.db, endpointId);
  if (!endpoint) return;
  const found = await boundTeamById(deps.db, endpoint.teamId);
  if (!found) return;
  const recipients = await wecomAdminUserIds(deps.db, { teamId: endpoint.teamId });
  if (recipients.length === 0) {
    deps.logger.info("webhook endpoint disabled; no WeCom admin to tell", { teamId: endpoint.teamId, endpointId });
    return;
  }
  const url = shownUrl(endpoint.url);
  const page = `${deps.config.publicUrl}/teams/${encodeURIComponent(found.team.slug)}/webhooks/${endpoint.id}`;
  const text =
    `「${found.team.name}」的 Webhook ${url} 已连续失败 24 小时，已停用，不再接收事件。修复接收方后请在控制台重新启用：${page}\n\n` +
    `The webhook ${url} of ${found.team.name} failed for 24 hours and is disabled: it receives no more events. Once the receiver is fixed, enable it again in the console: ${page}`;
  await sendText(deps, found.binding, recipients, text);
}
