import { recordDelivery, type InvitationRow } from "../../db/queries/invitations";
import type { InvitationDelivery } from "../../db/schema";
import type { Deps } from "../../deps";
import type { WecomApi } from "../../wecom/api";
import { WecomApiError } from "../../wecom/api-error";
import { invitationCard, invitationTextcard } from "../../wecom/cards";
import type { SendResult } from "../../wecom/types";
import { userKey } from "../directory/mirror-shape";
import { joinUrl } from "./token";

/** errcodes that are about the recipients, not the message: no point in another message type. */
const RECIPIENT_ERRCODES = new Set([81013, 40031, 82001, 60111]);

export interface DeliveryOutcome {
  delivery: InvitationDelivery;
  error: string | null;
  msgId: string | null;
}

/**
 * Sends one invitation (one recipient per call: the link is personal) outside any transaction,
 * then records the outcome on the row. template_card first; any WeCom refusal other than a
 * recipient problem falls back to a textcard. Transient failures leave the invitation open with
 * `failed`, so it can be re-sent.
 */
export async function deliverInvitation(
  deps: Deps,
  p: { api: WecomApi; invitation: InvitationRow; token: string; userId: string; teamName: string },
): Promise<DeliveryOutcome> {
  const url = joinUrl(deps.config.publicUrl, p.token);
  const outcome = await send(deps, p, url);
  await recordDelivery(deps.db, { id: p.invitation.id, ...outcome });
  return outcome;
}

async function send(
  deps: Deps,
  p: { api: WecomApi; invitation: InvitationRow; userId: string; teamName: string },
  url: string,
): Promise<DeliveryOutcome> {
  const judge = (r: SendResult): DeliveryOutcome =>
    r.invalidUsers.some((u) => u === userKey(p.userId))
      ? { delivery: "invalid_user", error: "invaliduser", msgId: r.msgId ?? null }
      : { delivery: "sent", error: null, msgId: r.msgId ?? null };
  try {
    return judge(
      await p.api.sendMessage(invitationCard({ touser: p.userId, teamName: p.teamName, url, taskId: `inv_${p.invitation.id}` })),
    );
  } catch (err) {
    if (err instanceof WecomApiError && RECIPIENT_ERRCODES.has(err.errcode)) return invalid(err);
    if (!(err instanceof WecomApiError)) return failed(deps, p, err);
    deps.logger.warn("template_card refused, falling back to textcard", { invitationId: p.invitation.id, errcode: err.errcode });
  }
  try {
    return judge(await p.api.sendMessage(invitationTextcard({ touser: p.userId, teamName: p.teamName, url })));
  } catch (err) {
    if (err instanceof WecomApiError && RECIPIENT_ERRCODES.has(err.errcode)) return invalid(err);
    return failed(deps, p, err);
  }
}

function invalid(err: WecomApiError): DeliveryOutcome {
  return { delivery: "invalid_user", error: `${err.errcode}: ${err.errmsg}`.slice(0, 500), msgId: null };
}

function failed(deps: Deps, p: { invitation: InvitationRow }, err: unknown): DeliveryOutcome {
  deps.logger.warn("invitation send failed", { invitationId: p.invitation.id, error: err });
  return { delivery: "failed", error: (err instanceof Error ? err.message : String(err)).slice(0, 500), msgId: null };
}
