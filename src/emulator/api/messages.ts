// message/send and message/update_template_card (docs/wecom.md#messages-and-cards). Everything sent lands in
// the inbox (state.messages) so tests can read what a member "received".
import { randomBytes } from "node:crypto";
import type { Context, Hono } from "hono";
import { BAD_JSON, type EmuEnv } from "../hono-env";
import { fail, ok } from "../respond";
import { RESPONSE_CODE_TTL_MS, type EmulatorState } from "../state";
import type { AppConfig } from "../types";
import { departmentVisible, scopeOf, userVisible } from "../visibility";

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

const CHECKED_TYPES = ["text", "markdown", "textcard", "news", "template_card"];
const OTHER_TYPES = ["image", "voice", "video", "file", "mpnews", "miniprogram_notice"];
/** Cards that answer with a response_code (docs/wecom.md#messages-and-cards). */
const INTERACTIVE = ["button_interaction", "vote_interaction", "multiple_interaction"];
const NOTICES = ["text_notice", "news_notice"];

export function messageRoutes(app: Hono<EmuEnv>, state: EmulatorState): void {
  app.get("/cgi-bin/message/send", (c) => fail(c, 43002));
  app.get("/cgi-bin/message/update_template_card", (c) => fail(c, 43002));

  app.post("/cgi-bin/message/send", (c) => {
    const pre = preamble(c);
    if (pre instanceof Response) return pre;
    const { app: sender, body } = pre;
    const msgtype = typeof body.msgtype === "string" ? body.msgtype : "";
    if (!CHECKED_TYPES.includes(msgtype) && !OTHER_TYPES.includes(msgtype)) return fail(c, 40008);
    const contentError = checkContent(msgtype, body);
    if (contentError !== undefined) return fail(c, contentError);

    const split = (v: unknown) =>
      typeof v === "string"
        ? v
            .split("|")
            .map((s) => s.trim())
            .filter((s) => s !== "")
        : [];
    const touser = split(body.touser);
    const toparty = split(body.toparty);
    const totag = split(body.totag);
    if (touser.length === 0 && toparty.length === 0 && totag.length === 0) return fail(c, 82001);
    if (touser.length > 1000 || toparty.length > 100 || totag.length > 100) return fail(c, 40031);

    const r = resolveRecipients(state, sender, touser, toparty, totag);
    if (r.recipients.size === 0) return fail(c, 81013);

    const msgid = randomBytes(24).toString("base64url");
    let responseCode: string | undefined;
    const card = msgtype === "template_card" && isRecord(body.template_card) ? body.template_card : undefined;
    if (card) {
      const cardType = String(card.card_type);
      const taskId = typeof card.task_id === "string" ? card.task_id : undefined;
      if (taskId !== undefined) {
        state.cards.set(`${sender.agentId}:${taskId}`, {
          agentId: sender.agentId,
          taskId,
          cardType,
          recipients: new Set(r.recipients.keys()),
          keys: cardKeys(card),
        });
      }
      if (INTERACTIVE.includes(cardType)) responseCode = issueResponseCode(state, sender.agentId, taskId ?? "");
    }
    state.messages.push({
      id: state.nextSeq(),
      at: state.clock.now().toISOString(),
      api: "message/send",
      agentId: sender.agentId,
      touser,
      toparty,
      totag,
      msgtype,
      body,
      invaliduser: r.invaliduser,
      invalidparty: r.invalidparty,
      invalidtag: r.invalidtag,
      recipients: [...r.recipients.values()],
      msgid,
      ...(responseCode === undefined ? {} : { responseCode }),
    });
    // Partly invalid: still errcode 0, the rest listed lower-cased (docs/wecom.md#messages-and-cards). Empty
    // lists are left out.
    return ok(c, {
      ...(r.invaliduser.length ? { invaliduser: r.invaliduser.join("|") } : {}),
      ...(r.invalidparty.length ? { invalidparty: r.invalidparty.join("|") } : {}),
      ...(r.invalidtag.length ? { invalidtag: r.invalidtag.join("|") } : {}),
      msgid,
      ...(responseCode === undefined ? {} : { response_code: responseCode }),
    });
  });

  // response_code is single-use and lives 72 h (docs/wecom.md#messages-and-cards): reuse → 42022.
  app.post("/cgi-bin/message/update_template_card", (c) => {
    const pre = preamble(c);
    if (pre instanceof Response) return pre;
    const { app: sender, body } = pre;
    const code = body.response_code;
    if (typeof code !== "string" || code === "") return fail(c, 40058, "missing response_code, hint: [emu]");
    const rec = state.responseCodes.get(code);
    if (!rec) return fail(c, 40058, "invalid response_code, hint: [emu]");
    if (rec.agentId !== sender.agentId) return fail(c, 42015);
    if (rec.used || state.nowMs() - rec.issuedAtMs > RESPONSE_CODE_TTL_MS) return fail(c, 42022);
    if (!isRecord(body.button) && !isRecord(body.template_card)) return fail(c, 40058, "button or template_card is required, hint: [emu]");
    rec.used = true;

    const userids = Array.isArray(body.userids) ? body.userids.filter((u): u is string => typeof u === "string") : [];
    const card = state.cards.get(`${rec.agentId}:${rec.taskId}`);
    const scope = scopeOf(state.org, { kind: "app", app: sender });
    const invaliduser: string[] = [];
    const recipients: string[] = [];
    const targets = body.atall === 1 || userids.length === 0 ? [...(card?.recipients ?? [])] : userids;
    for (const id of targets) {
      const u = state.org.getUser(id);
      if (u && userVisible(scope, u)) recipients.push(u.userid);
      else invaliduser.push(id.toLowerCase());
    }
    state.messages.push({
      id: state.nextSeq(),
      at: state.clock.now().toISOString(),
      api: "message/update_template_card",
      agentId: sender.agentId,
      touser: userids,
      toparty: [],
      totag: [],
      msgtype: "update_template_card",
      body,
      invaliduser,
      invalidparty: [],
      invalidtag: [],
      recipients,
      responseCode: code,
    });
    return ok(c, invaliduser.length ? { invaliduser: invaliduser.join("|") } : {});
  });
}

/** JSON body, an app token (contact-sync → 48002) and agentid = the token's app (301002). */
function preamble(c: Context<EmuEnv>): { app: AppConfig; body: Json } | Response {
  const body = c.get("body");
  if (body === BAD_JSON || !isRecord(body)) return fail(c, 47001);
  const caller = c.get("caller");
  if (caller.kind !== "app") return fail(c, 48002);
  if (body.agentid === undefined || body.agentid === "") return fail(c, 41011);
  const agentId = Number(body.agentid);
  if (!Number.isInteger(agentId)) return fail(c, 40056);
  if (agentId !== caller.app.agentId) return fail(c, 301002);
  return { app: caller.app, body };
}

function checkContent(msgtype: string, body: Json): number | undefined {
  const part = body[msgtype];
  if (!CHECKED_TYPES.includes(msgtype)) return undefined;
  if (!isRecord(part)) return 40058;
  if (msgtype === "text" || msgtype === "markdown") {
    if (typeof part.content !== "string" || part.content === "") return 44004;
    if (Buffer.byteLength(part.content) > 2048) return 45002;
  }
  if (msgtype === "textcard" && !["title", "description", "url"].every((k) => typeof part[k] === "string" && part[k] !== "")) return 40058;
  if (msgtype === "news") {
    if (!Array.isArray(part.articles) || part.articles.length === 0) return 40058;
    if (part.articles.length > 8) return 45008;
  }
  if (msgtype === "template_card") {
    const type = part.card_type;
    if (typeof type !== "string" || ![...NOTICES, ...INTERACTIVE].includes(type)) return 42031;
    if (NOTICES.includes(type) && !isRecord(part.card_action)) return 42045;
    if (INTERACTIVE.includes(type) && (typeof part.task_id !== "string" || !/^[0-9A-Za-z_\-@]{1,128}$/.test(part.task_id))) return 42014;
    if (type === "button_interaction" && (!Array.isArray(part.button_list) || part.button_list.length === 0 || part.button_list.length > 6))
      return 42038;
  }
  return undefined;
}

/** Button keys a click may carry (docs/wecom.md#messages-and-cards: button_list keys, submit_button key). */
function cardKeys(card: Json): string[] {
  const keys: string[] = [];
  if (Array.isArray(card.button_list)) for (const b of card.button_list) if (isRecord(b) && typeof b.key === "string") keys.push(b.key);
  if (isRecord(card.submit_button) && typeof card.submit_button.key === "string") keys.push(card.submit_button.key);
  return keys;
}

export function issueResponseCode(state: EmulatorState, agentId: number, taskId: string): string {
  const code = randomBytes(32).toString("base64url");
  state.responseCodes.set(code, { agentId, taskId, issuedAtMs: state.nowMs(), used: false });
  return code;
}

function resolveRecipients(state: EmulatorState, app: AppConfig, touser: string[], toparty: string[], totag: string[]) {
  const scope = scopeOf(state.org, { kind: "app", app });
  const recipients = new Map<string, string>();
  const invaliduser: string[] = [];
  const invalidparty: string[] = [];
  if (touser.includes("@all")) {
    for (const u of state.org.users.values()) if (userVisible(scope, u)) recipients.set(u.userid.toLowerCase(), u.userid);
  } else {
    for (const id of touser) {
      const u = state.org.getUser(id);
      if (u && userVisible(scope, u)) recipients.set(u.userid.toLowerCase(), u.userid);
      else invaliduser.push(id.toLowerCase());
    }
    for (const p of toparty) {
      const id = Number(p);
      if (!Number.isInteger(id) || !departmentVisible(state.org, scope, id)) {
        invalidparty.push(p);
        continue;
      }
      for (const d of state.org.subtree(id)) for (const u of state.org.membersOf(d)) recipients.set(u.userid.toLowerCase(), u.userid);
    }
  }
  // No tag model: every tag is invalid.
  return { recipients, invaliduser, invalidparty, invalidtag: [...totag] };
}
