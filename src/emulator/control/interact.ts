// Control API: what members do — sign in for OAuth, chat with the app, click card buttons —
// and the inbox of what the service sent them.
import type { Hono } from "hono";
import type { EmuEnv } from "../hono-env";
import { MutationError } from "../org/mutations";
import type { EmulatorState } from "../state";
import { clickCard, sendChat } from "./actions";
import { asRecord, readJson } from "./read-json";

export function interactRoutes(app: Hono<EmuEnv>, state: EmulatorState): void {
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

  // A member writes to the app; a member clicks a card button (control/actions.ts).
  app.post("/_emulator/chat", async (c) => {
    const body = asRecord(await readJson(c));
    return c.json(await sendChat(state, { from: body.from, content: body.content, agentId: body.agentId }));
  });

  app.post("/_emulator/cards/click", async (c) => {
    const body = asRecord(await readJson(c));
    return c.json(await clickCard(state, { userid: body.userid, taskId: body.taskId, eventKey: body.eventKey, agentId: body.agentId }));
  });
}
