// The admin bot as a member sees it: chat messages and clicks go in as signed, encrypted callbacks
// (through app.request, or pushed by the emulator), replies come out of the emulator's inbox.
import { and, eq } from "drizzle-orm";
import { expect } from "vitest";
import { botMessages, callbackInbox, members, syncJobs } from "../../src/db/schema";
import { cardEventXml } from "../../src/emulator/callbacks/payloads";
import { processInbox } from "../../src/services/callbacks/process-inbox";
import { BINDING, boundTeam } from "../helpers/api";
import { postCallback, textXml } from "../helpers/callbacks";
import type { TestDeps } from "../helpers/deps";
import { control } from "../helpers/emulator";
import { emulatorOrg, syncNow, type OrgSnapshot } from "../helpers/sync";
import { teamIdOf } from "../helpers/sync-scenarios";
import { openTestDb } from "../helpers/test-db";
import { accountDeps } from "../services/accounts/helpers";
import { eventXml } from "../helpers/wecom-envelope";

export interface BotWorld {
  deps: TestDeps;
  close: () => Promise<void>;
  /** Team "acme", bound to the emulator's corp and synced once. */
  teamId: number;
  org: OrgSnapshot;
  /** The org's userids in its order, without those who left (status 5); the first is in the binding's adminUserIds. */
  users: string[];
}

/**
 * A fresh database with "acme" bound and imported: the world every bot test starts from.
 * `adminUserIds` picks the binding's admins (default: the first user, as given).
 */
export async function botWorld(
  opts: { adminUserIds?: (users: string[]) => string[]; deps?: Parameters<typeof accountDeps>[1] } = {},
): Promise<BotWorld> {
  const opened = await openTestDb();
  const deps = accountDeps(opened.db, opts.deps);
  const org = await emulatorOrg(deps);
  const users = org.users.filter((u) => u.status !== 5).map((u) => u.userid);
  const adminUserIds = opts.adminUserIds ? opts.adminUserIds(users) : [users[0]!];
  await boundTeam(deps, "acme", { ...BINDING, adminUserIds } as typeof BINDING);
  const teamId = await teamIdOf(deps, "acme");
  expect((await syncNow(deps, "acme")).state).toBe("succeeded");
  return { deps, close: () => opened.close(), teamId, org, users };
}

export interface Sent {
  id: number;
  api: string;
  msgtype: string;
  touser: string[];
  recipients: string[];
  responseCode?: string;
  body: Record<string, unknown> & {
    text?: { content: string };
    template_card?: Record<string, unknown> & { task_id?: string; sub_title_text?: string };
  };
}

/** Everything the app sent (message/send and update_template_card), oldest first, optionally to one user. */
export async function sent(deps: TestDeps, touser?: string): Promise<Sent[]> {
  const q = touser ? `?touser=${encodeURIComponent(touser.toLowerCase())}` : "";
  return ((await control(deps, "GET", `/_emulator/messages${q}`)) as { messages: Sent[] }).messages;
}

/** The text replies a user got, oldest first. */
export async function textsTo(deps: TestDeps, userId: string): Promise<string[]> {
  return (await sent(deps, userId)).filter((m) => m.msgtype === "text").map((m) => m.body.text?.content ?? "");
}

export async function clearSent(deps: TestDeps): Promise<void> {
  await control(deps, "DELETE", "/_emulator/messages");
}

/** Posts a chat message as WeCom would and runs everything it set off (inbox, jobs). Returns the XML. */
export async function say(deps: TestDeps, from: string, content: string, slug = "acme"): Promise<string> {
  const xml = textXml(deps, content, from);
  await deliver(deps, xml, slug);
  return xml;
}

/** Delivers a plaintext callback (encrypted and signed) and drains the work it deferred. */
export async function deliver(deps: TestDeps, xml: string, slug = "acme"): Promise<void> {
  const res = await postCallback(deps, slug, xml);
  expect(res.status).toBe(200);
  await deps.deferred.flush();
}

/** Says something and handles it, but drops the work it defers (a job stays queued, as if its runner died). */
export async function sayOnly(deps: TestDeps, from: string, content: string, slug = "acme"): Promise<void> {
  const res = await postCallback(deps, slug, textXml(deps, content, from));
  expect(res.status).toBe(200);
  deps.deferred.queue.length = 0;
  await processInbox(deps);
  deps.deferred.queue.length = 0;
}

/** Says something and answers the one new text reply it got. */
export async function ask(deps: TestDeps, from: string, content: string): Promise<string> {
  const before = (await textsTo(deps, from)).length;
  await say(deps, from, content);
  const after = await textsTo(deps, from);
  expect(after.length, `replies to ${from} for "${content}": ${JSON.stringify(after.slice(before))}`).toBe(before + 1);
  return after[after.length - 1]!;
}

/** An app event (enter_agent, subscribe) from a member. */
export function appEventXml(deps: TestDeps, from: string, event: string): string {
  return eventXml({
    toUserName: BINDING.corpId,
    fromUserName: from,
    event,
    createTime: deps.clock.unixSeconds(),
    agentId: String(BINDING.agentId),
  });
}

/** A click as the emulator makes it: only someone who received the card, with a fresh ResponseCode. */
export async function click(deps: TestDeps, userId: string, taskId: string, eventKey: string): Promise<void> {
  await control(deps, "POST", "/_emulator/cards/click", { userid: userId, taskId, eventKey });
  await deps.deferred.flush();
}

/** A forged click by someone who never got the card (the emulator would not make one). */
export async function forgedClick(deps: TestDeps, userId: string, taskId: string, eventKey: string): Promise<void> {
  const xml = cardEventXml({
    corpId: BINDING.corpId,
    from: userId,
    createTime: Number(deps.clock.unixSeconds()),
    eventKey,
    taskId,
    cardType: "button_interaction",
    responseCode: `forged-${Math.random().toString(36).slice(2)}`,
    agentId: BINDING.agentId,
  });
  await deliver(deps, xml);
}

export async function jobsOf(deps: TestDeps, teamId: number) {
  return deps.db.select().from(syncJobs).where(eq(syncJobs.teamId, teamId)).orderBy(syncJobs.id);
}

export async function botRows(deps: TestDeps, teamId: number) {
  return deps.db.select().from(botMessages).where(eq(botMessages.teamId, teamId)).orderBy(botMessages.id);
}

export async function inboxOf(deps: TestDeps, teamId: number) {
  return deps.db.select().from(callbackInbox).where(eq(callbackInbox.teamId, teamId)).orderBy(callbackInbox.id);
}

/** Makes a member an active team admin or owner (fixture: roles come from the console later). */
export async function makeAdminMember(deps: TestDeps, teamId: number, userId: string, role: "owner" | "admin" = "admin"): Promise<void> {
  await deps.db
    .update(members)
    // As a member who joined through WeCom OAuth would be: WeCom vouched for the link.
    .set({ role, status: "active", wecomVerifiedAt: deps.clock.now() })
    .where(and(eq(members.teamId, teamId), eq(members.wecomUserKey, userId.toLowerCase())));
}

/** Percentages in progress replies ("… 45%"), in order. */
export function percents(texts: string[]): number[] {
  return texts.flatMap((t) => {
    const m = /(\d{1,3})%$/.exec(t);
    return m ? [Number(m[1])] : [];
  });
}
