// What a member does in WeCom — writes to the app, clicks a card button — shared by the JSON
// control API (interact.ts) and the chat page (chat/routes.ts).
import { issueResponseCode } from "../api/messages";
import { cardEventXml, textMessageXml } from "../callbacks/payloads";
import { pushCallback } from "../callbacks/push";
import { MutationError } from "../org/mutations";
import type { CallbackRecord, CardRecord, EmulatorState } from "../state";

const CHAT_LOG_CAP = 10_000;

export function agentFor(state: EmulatorState, requested: unknown): number {
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || !state.apps.has(requested as number))
      throw new MutationError(400, "invalid_field", "agentId is not an app of this corp");
    return requested as number;
  }
  return state.callbackTarget?.agentId ?? [...state.apps.keys()][0] ?? 0;
}

/** A member writes to the app: a text message callback (docs/wecom.md#events-handled) with a fresh 64-bit MsgId. */
export async function sendChat(
  state: EmulatorState,
  p: { from: unknown; content: unknown; agentId?: unknown },
): Promise<{ msgId: string; callback: CallbackRecord }> {
  if (typeof p.from !== "string" || p.from === "") throw new MutationError(400, "invalid_field", "from (a userid) is required");
  if (typeof p.content !== "string" || p.content === "") throw new MutationError(400, "invalid_field", "content is required");
  const from = state.org.getUser(p.from)?.userid ?? p.from;
  const agentId = agentFor(state, p.agentId);
  const msgId = state.nextMsgId();
  state.chatLog.push({ at: state.clock.now().toISOString(), from, content: p.content, msgId });
  if (state.chatLog.length > CHAT_LOG_CAP) state.chatLog.splice(0, state.chatLog.length - CHAT_LOG_CAP);
  const xml = textMessageXml({
    corpId: state.corpId,
    from,
    createTime: Math.floor(state.nowMs() / 1000),
    content: p.content,
    msgId,
    agentId,
  });
  return { msgId, callback: await pushCallback(state, "text", xml, agentId) };
}

/**
 * A member clicks a button on a card the service sent: template_card_event (docs/wecom.md#events-handled) with a fresh
 * single-use ResponseCode. Only a recipient of the card can click, only on one of its buttons.
 */
export async function clickCard(
  state: EmulatorState,
  p: { userid: unknown; taskId: unknown; eventKey: unknown; agentId?: unknown },
): Promise<{ responseCode: string; callback: CallbackRecord }> {
  const { userid, taskId, eventKey } = p;
  if (typeof userid !== "string" || typeof taskId !== "string" || typeof eventKey !== "string") {
    throw new MutationError(400, "invalid_field", "userid, taskId and eventKey are required strings");
  }
  let card: CardRecord | undefined;
  if (typeof p.agentId === "number") card = state.cards.get(`${p.agentId}:${taskId}`);
  else for (const cd of state.cards.values()) if (cd.taskId === taskId) card = cd;
  if (!card) throw new MutationError(404, "card_not_found", `no card with task_id ${taskId} was sent`);
  if (!card.recipients.has(userid.toLowerCase()))
    throw new MutationError(403, "not_a_recipient", `${userid} did not receive card ${taskId}`);
  if (card.keys.length > 0 && !card.keys.includes(eventKey))
    throw new MutationError(400, "unknown_key", `card ${taskId} has no button ${eventKey} (keys: ${card.keys.join(", ")})`);
  const user = state.org.getUser(userid);
  const responseCode = issueResponseCode(state, card.agentId, taskId);
  const xml = cardEventXml({
    corpId: state.corpId,
    from: user?.userid ?? userid,
    createTime: Math.floor(state.nowMs() / 1000),
    eventKey,
    taskId,
    cardType: card.cardType,
    responseCode,
    agentId: card.agentId,
  });
  return { responseCode, callback: await pushCallback(state, "template_card_event", xml, card.agentId) };
}
