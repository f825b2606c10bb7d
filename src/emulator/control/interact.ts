// Control API: what members do — sign in for OAuth, chat with the app, click card buttons —
// and the inbox of what the service sent them.
import type { Hono } from "hono";
import { issueResponseCode } from "../api/messages";
import { cardEventXml, textMessageXml } from "../callbacks/payloads";
import { pushCallback } from "../callbacks/push";
import type { EmuEnv } from "../hono-env";
import { MutationError } from "../org/mutations";
import type { CardRecord, EmulatorState } from "../state";
import { asRecord, readJson } from "./read-json";

export function interactRoutes(app: Hono<EmuEnv>, state: EmulatorState): void {
  const agentFor = (requested: unknown): number => {
    if (requested !== undefined) {
      if (!Number.isInteger(requested) || !state.apps.has(requested as number)) throw new MutationError(400, "invalid_field", "agentId is not an app of this corp");
      return requested as number;
    }
    return state.callbackTarget?.agentId ?? [...state.apps.keys()][0] ?? 0;
  };

  app.post("/_emulator/oauth/sign-in", async (c) => {
    const body = asRecord(await readJson(c));
    if (typeof body.userid === "string") {
      const user = state.org.getUser(body.userid);
      if (!user) throw new MutationError(404, "user_not_found", `no user ${body.userid}`);
      state.signedIn = { userid: user.userid };
    } else if (typeof body.openid === "string" && body.openid !== "") {
      state.signedIn = { openid: body.openid };
    } else {
      throw new MutationError(400, "invalid_field", "give userid (a member) or openid (not a member)");
    }
    return c.json({ signedIn: state.signedIn });
  });
  app.delete("/_emulator/oauth/sign-in", (c) => {
    state.signedIn = undefined;
    return c.json({ signedIn: null });
  });

  app.get("/_emulator/messages", (c) => {
    const to = c.req.query("touser")?.toLowerCase();
    const messages = to === undefined ? state.messages : state.messages.filter((m) => m.recipients.some((r) => r.toLowerCase() === to));
    return c.json({ messages });
  });
  app.delete("/_emulator/messages", (c) => {
    state.messages = [];
    return c.json({ ok: true });
  });

  // A member writes to the app: a text message callback (reference §10.5).
  app.post("/_emulator/chat", async (c) => {
    const body = asRecord(await readJson(c));
    if (typeof body.from !== "string" || body.from === "") throw new MutationError(400, "invalid_field", "from (a userid) is required");
    if (typeof body.content !== "string" || body.content === "") throw new MutationError(400, "invalid_field", "content is required");
    const from = state.org.getUser(body.from)?.userid ?? body.from;
    const msgId = state.nextMsgId();
    const xml = textMessageXml({ corpId: state.corpId, from, createTime: Math.floor(state.nowMs() / 1000), content: body.content, msgId, agentId: agentFor(body.agentId) });
    return c.json({ msgId, callback: await pushCallback(state, "text", xml, agentFor(body.agentId)) });
  });

  // A member clicks a button on a card the service sent: template_card_event (§10.7) with a
  // fresh single-use ResponseCode.
  app.post("/_emulator/cards/click", async (c) => {
    const body = asRecord(await readJson(c));
    const { userid, taskId, eventKey } = body;
    if (typeof userid !== "string" || typeof taskId !== "string" || typeof eventKey !== "string") {
      throw new MutationError(400, "invalid_field", "userid, taskId and eventKey are required strings");
    }
    let card: CardRecord | undefined;
    if (typeof body.agentId === "number") card = state.cards.get(`${body.agentId}:${taskId}`);
    else for (const cd of state.cards.values()) if (cd.taskId === taskId) card = cd;
    if (!card) throw new MutationError(404, "card_not_found", `no card with task_id ${taskId} was sent`);
    if (!card.recipients.has(userid.toLowerCase())) throw new MutationError(403, "not_a_recipient", `${userid} did not receive card ${taskId}`);
    if (card.keys.length > 0 && !card.keys.includes(eventKey)) throw new MutationError(400, "unknown_key", `card ${taskId} has no button ${eventKey} (keys: ${card.keys.join(", ")})`);
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
    return c.json({ responseCode, callback: await pushCallback(state, "template_card_event", xml, card.agentId) });
  });
}
