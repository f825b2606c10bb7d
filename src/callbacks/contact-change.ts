import { refreshDepartments } from "../services/directory/refresh-departments";
import { refreshMember } from "../services/directory/refresh-member";
import { parkedUntilImported } from "../services/directory/await-import";
import { renameMemberKey } from "../services/directory/rekey-member";
import { teamWecom } from "../services/directory/team-wecom";
import type { CallbackHandler } from "./handler-table";

/**
 * change_contact, subscribe and unsubscribe (docs/wecom.md#events-handled): each names a
 * member or a department whose state is re-read from WeCom and applied like a full sync would.
 */
export const contactChange: CallbackHandler = async (deps, ctx) => {
  const m = ctx.message;
  const binding = await teamWecom(deps, ctx.teamId);
  if (!binding) return "ignored";
  if (await parkedUntilImported(deps, ctx)) return "waiting";
  const api = binding.api();
  const member = (userId: string, followsRename = false) =>
    refreshMember(deps, {
      teamId: ctx.teamId,
      api,
      userId,
      initiator: "callback",
      scopeDepartmentIds: binding.scopeDepartmentIds,
      followsRename,
    });

  if (m.kind === "app_event" && (m.event === "subscribe" || m.event === "unsubscribe")) {
    await member(m.fromUserName);
    return "processed";
  }
  if (m.kind !== "change_contact") return "ignored";
  if (m.changeType.endsWith("_party")) {
    await refreshDepartments(deps, { teamId: ctx.teamId, api, scopeDepartmentIds: binding.scopeDepartmentIds, initiator: "callback" });
    return "processed";
  }
  if (!m.userId || !m.changeType.endsWith("_user")) return "ignored";
  if (m.newUserId && m.newUserId.toLowerCase() !== m.userId.toLowerCase()) {
    // A renamed userid keeps the member's row and history (docs/wecom.md#userids); then both ids are re-read.
    await renameMemberKey(deps, { teamId: ctx.teamId, fromUserId: m.userId, toUserId: m.newUserId });
    await member(m.newUserId, true);
  }
  await member(m.userId);
  return "processed";
};
