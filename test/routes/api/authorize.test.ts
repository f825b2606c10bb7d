import { createHash } from "node:crypto";
import { and, asc, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, invitations, members } from "../../../src/db/schema";
import { findOpenInvitation } from "../../../src/services/invitations/find-open";
import type { TestDeps } from "../../helpers/deps";
import { control } from "../../helpers/emulator";
import { importedTeam, type ImportedTeam } from "../../helpers/imported-team";
import { emulatorOrg, type OrgSnapshot } from "../../helpers/sync";
import { openTestDb } from "../../helpers/test-db";
import { accountDeps, client, PASSWORD } from "../../services/accounts/helpers";

interface Sent {
  msgtype: string;
  touser: string[];
  recipients: string[];
  body: Record<string, unknown> & {
    template_card?: Record<string, unknown>;
    textcard?: Record<string, unknown>;
    text?: { content: string };
  };
}
interface Answer {
  authorized: number;
  invited: number;
  alreadyActive: number;
  alreadyInvited: number;
  skipped: { wecomUserId: string; reason: string }[];
  invalidUsers: string[];
}

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
let api: ReturnType<typeof client>;
let acme: number;
let org: OrgSnapshot;

let team: ImportedTeam;

beforeAll(async () => {
  opened = await openTestDb();
  deps = accountDeps(opened.db);
  api = client(deps);
  team = await importedTeam(deps, "acme");
  acme = team.teamId;
  org = await emulatorOrg(deps);
  await control(deps, "DELETE", "/_emulator/messages");
});
afterAll(async () => opened.close());

const take = () => team.take();
const authorize = async (body: unknown) => api.json("POST", "/api/teams/acme/authorize", body);
const answerOf = async (res: Response) => {
  expect(res.status).toBe(200);
  return (await res.json()) as Answer;
};
const messages = async (touser?: string) =>
  (
    (await control(deps, "GET", `/_emulator/messages${touser ? `?touser=${encodeURIComponent(touser.toLowerCase())}` : ""}`)) as {
      messages: Sent[];
    }
  ).messages;
const memberOf = async (userId: string) => {
  const [m] = await opened.db
    .select()
    .from(members)
    .where(and(eq(members.teamId, acme), eq(members.wecomUserKey, userId.toLowerCase())));
  if (!m) throw new Error(`no member ${userId}`);
  return m;
};
const invitationsOf = async (memberId: number) =>
  opened.db.select().from(invitations).where(eq(invitations.memberId, memberId)).orderBy(asc(invitations.id));
const sha256 = (s: string) => createHash("sha256").update(s).digest("base64url");
/** The token of the link in a sent invitation (card or textcard). */
const tokenOf = (m: Sent): string => {
  const url = m.msgtype === "template_card" ? (m.body.template_card?.card_action as { url: string }).url : String(m.body.textcard?.url);
  const match = /\/join\/([A-Za-z0-9_-]+)$/.exec(url);
  if (!match?.[1]) throw new Error(`no token in ${url}`);
  return match[1];
};
/** Registers an account named like the userid and links it to the member (fixture). */
async function linkAccount(userId: string): Promise<number> {
  const { id } = await api.register({ username: userId, password: PASSWORD, name: userId });
  await opened.db
    .update(members)
    .set({ accountId: id })
    .where(and(eq(members.teamId, acme), eq(members.wecomUserKey, userId.toLowerCase())));
  return id;
}

describe("POST /api/teams/:slug/authorize", () => {
  it("refuses bad selectors with 422", async () => {
    for (const body of [
      {},
      { all: true, departmentId: 1 },
      { wecomUserIds: [] },
      { all: false },
      { wecomUserIds: "zhangsan" },
      { departmentId: -1 },
      { departmentId: 987654 },
      { wecomUserIds: ["a"], all: true },
    ]) {
      const res = await authorize(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("validation_failed");
    }
    expect((await api.json("POST", "/api/teams/acme/authorize", "[1]")).status).toBe(400);
  });

  it("answers 403 to a plain member's session and 401 without credentials", async () => {
    const userId = take();
    const accountId = await linkAccount(userId);
    await opened.db.update(members).set({ status: "active", role: "member" }).where(eq(members.accountId, accountId));
    const jar = await api.login(userId, PASSWORD);
    expect((await api.asBrowser(jar, "POST", "/api/teams/acme/authorize", { all: true })).status).toBe(403);
    expect((await api.json("POST", "/api/teams/acme/authorize", { all: true }, {})).status).toBe(401);
  });

  let invitedUser = "";
  it("activates linked members with a notice, invites the others with a card; userids match ignoring case", async () => {
    const linked = take();
    const [a, b] = [take(), take()];
    invitedUser = a;
    await linkAccount(linked);
    const res = await authorize({ wecomUserIds: [linked.toUpperCase(), a, b.toUpperCase(), "no-such-user"] });
    const answer = await answerOf(res);
    expect(answer).toMatchObject({
      authorized: 1,
      invited: 2,
      alreadyActive: 0,
      invalidUsers: [],
      skipped: [{ wecomUserId: "no-such-user", reason: "not_found" }],
    });

    expect((await memberOf(linked)).status).toBe("active");
    const notice = await messages(linked);
    expect(notice).toHaveLength(1);
    expect(notice[0]).toMatchObject({ msgtype: "text" });
    expect(notice[0]?.body.text?.content).toContain("Acme 团队");

    for (const u of [a, b]) {
      const m = await memberOf(u);
      expect(m.status).toBe("invited");
      const [inv, ...more] = await invitationsOf(m.id);
      expect(more).toHaveLength(0);
      expect(inv).toMatchObject({ delivery: "sent", wecomUserKey: u.toLowerCase(), revokedAt: null, consumedAt: null });
      expect(inv!.expiresAt.getTime() - inv!.createdAt.getTime()).toBe(7 * 24 * 3600 * 1000);
      const sent = await messages(u);
      expect(sent).toHaveLength(1);
      const card = sent[0]!;
      expect(card.msgtype).toBe("template_card");
      expect(card.touser).toEqual([u]);
      expect(card.body.template_card).toMatchObject({
        card_type: "text_notice",
        main_title: { title: "加入「Acme 团队」", desc: "Join Acme 团队" },
        sub_title_text: "链接 7 天内有效 / valid for 7 days",
        task_id: `inv_${inv!.id}`,
        card_action: { type: 1 },
      });
      const token = tokenOf(card);
      expect(token.length).toBeGreaterThanOrEqual(22);
      expect((card.body.template_card?.card_action as { url: string }).url).toBe(`https://roster.example.com/join/${token}`);
      expect((card.body.template_card?.jump_list as { url: string }[])[0]?.url).toBe(`https://roster.example.com/join/${token}`);
      expect(inv!.tokenHash).toBe(sha256(token));
      expect(JSON.stringify(inv)).not.toContain(token);
      expect((await findOpenInvitation(deps, token))?.id).toBe(inv!.id);
      expect(inv!.msgId).toBeTruthy();
    }
    const audit = await opened.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.teamId, acme), inArray(auditLog.action, ["member.authorized", "member.invited"])));
    expect(audit.map((r) => [r.action, r.initiator, r.actor])).toEqual(
      expect.arrayContaining([
        ["member.authorized", "admin", "operator"],
        ["member.invited", "admin", "operator"],
      ]),
    );
    expect(audit).toHaveLength(3);

    // Idempotent: nothing new changes, nothing new is sent.
    const before = (await messages()).length;
    const again = await answerOf(await authorize({ wecomUserIds: [linked, a, b] }));
    expect(again).toMatchObject({ authorized: 0, invited: 0, alreadyActive: 1, alreadyInvited: 2, skipped: [] });
    expect(await messages()).toHaveLength(before);
    expect(await opened.db.select().from(invitations).where(eq(invitations.teamId, acme))).toHaveLength(2);
  });

  it("falls back to a textcard when WeCom refuses the template_card", async () => {
    const u = take();
    await control(deps, "POST", "/_emulator/faults", { api: "message/send", errcode: 40008, errmsg: "invalid message type", times: 1 });
    const answer = await answerOf(await authorize({ wecomUserIds: [u] }));
    expect(answer).toMatchObject({ invited: 1, invalidUsers: [] });
    const sent = await messages(u);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ msgtype: "textcard", body: { textcard: { title: "团队邀请 Team invitation", btntxt: "加入" } } });
    expect(sent[0]?.body.textcard?.description).toContain("Acme 团队");
    const [inv] = await invitationsOf((await memberOf(u)).id);
    expect(inv).toMatchObject({ delivery: "sent" });
    expect(inv!.tokenHash).toBe(sha256(tokenOf(sent[0]!)));
  });

  it("records and reports a member WeCom no longer knows (81013), without a 5xx", async () => {
    const gone = take();
    const ok = take();
    await control(deps, "DELETE", `/_emulator/users/${encodeURIComponent(gone)}`);
    const answer = await answerOf(await authorize({ wecomUserIds: [gone, ok] }));
    expect(answer).toMatchObject({ invited: 2, invalidUsers: [gone.toLowerCase()] });
    const [inv] = await invitationsOf((await memberOf(gone)).id);
    expect(inv).toMatchObject({ delivery: "invalid_user", revokedAt: null });
    expect(await messages(ok)).toHaveLength(1);
    // Asked again: still reported, nothing re-sent.
    const again = await answerOf(await authorize({ wecomUserIds: [gone] }));
    expect(again).toMatchObject({ invited: 0, alreadyInvited: 1, invalidUsers: [gone.toLowerCase()] });
  });

  it("an invited member who links an account becomes active on the next authorize; the link is revoked", async () => {
    const u = take();
    expect(await answerOf(await authorize({ wecomUserIds: [u] }))).toMatchObject({ invited: 1 });
    const token = tokenOf((await messages(u))[0]!);
    await linkAccount(u);
    expect(await answerOf(await authorize({ wecomUserIds: [u] }))).toMatchObject({ authorized: 1, invited: 0 });
    expect((await memberOf(u)).status).toBe("active");
    expect(await findOpenInvitation(deps, token)).toBeNull();
    expect((await messages(u)).map((m) => m.msgtype)).toEqual(["template_card", "text"]);
  });

  it("skips locked and removed members", async () => {
    const [locked, removed] = [take(), take()];
    await opened.db.update(members).set({ status: "locked" }).where(eq(members.wecomUserKey, locked.toLowerCase()));
    await opened.db.update(members).set({ status: "removed" }).where(eq(members.wecomUserKey, removed.toLowerCase()));
    const answer = await answerOf(await authorize({ wecomUserIds: [locked, removed] }));
    expect(answer).toMatchObject({
      authorized: 0,
      invited: 0,
      skipped: [
        { wecomUserId: locked, reason: "locked" },
        { wecomUserId: removed, reason: "removed" },
      ],
    });
    expect(await messages(locked)).toHaveLength(0);
    expect((await memberOf(locked)).status).toBe("locked");
  });

  it("re-sends: revokes the old link, sends a new one, at most one a minute", async () => {
    const m = await memberOf(invitedUser);
    const [oldMessage] = await messages(invitedUser);
    const oldToken = tokenOf(oldMessage!);
    const url = `/api/teams/acme/members/${m.id}/invitation`;
    const early = await api.json("POST", url);
    expect(early.status).toBe(429);
    expect(((await early.json()) as { error: { code: string } }).error.code).toBe("too_many_attempts");

    deps.clock.advance(61_000);
    const res = await api.json("POST", url);
    expect(res.status).toBe(201);
    const body = (await res.json()) as { invitation: { id: number; delivery: string } };
    expect(body.invitation.delivery).toBe("sent");
    expect(await findOpenInvitation(deps, oldToken)).toBeNull();
    const sent = await messages(invitedUser);
    expect(sent).toHaveLength(2);
    const newToken = tokenOf(sent[1]!);
    expect((await findOpenInvitation(deps, newToken))?.id).toBe(body.invitation.id);
    const rows = await invitationsOf(m.id);
    expect(rows.map((r) => r.revokedAt !== null)).toEqual([true, false]);

    expect((await api.json("POST", url)).status).toBe(429);
    deps.clock.advance(30_000);
    expect((await api.json("POST", url)).status).toBe(429);
    deps.clock.advance(31_000);
    expect((await api.json("POST", url)).status).toBe(201);
    expect(await findOpenInvitation(deps, newToken)).toBeNull();

    // Active members cannot be invited; unknown members are 404.
    const active = (
      await opened.db
        .select()
        .from(members)
        .where(and(eq(members.teamId, acme), eq(members.status, "active")))
    )[0]!;
    expect((await api.json("POST", `/api/teams/acme/members/${active.id}/invitation`)).status).toBe(409);
    expect((await api.json("POST", "/api/teams/acme/members/999999/invitation")).status).toBe(404);
  });

  it("authorizes a department with its sub-departments", async () => {
    const children = new Map<number, number[]>();
    for (const d of org.departments) if (d.id !== d.parentid) children.set(d.parentid, [...(children.get(d.parentid) ?? []), d.id]);
    const subtree = (id: number): number[] => [id, ...(children.get(id) ?? []).flatMap(subtree)];
    // A department below the root with sub-departments holding members.
    const pick = org.departments.find(
      (d) =>
        d.id !== 1 &&
        (children.get(d.id)?.length ?? 0) > 0 &&
        org.users.some((u) => u.department.some((x) => subtree(d.id).slice(1).includes(x))),
    );
    expect(pick).toBeDefined();
    const ids = new Set(subtree(pick!.id));
    const rows = await opened.db.select().from(members).where(eq(members.teamId, acme));
    const expected = rows.filter((m) => m.departmentIds.some((d) => ids.has(d)));
    const answer = await answerOf(await authorize({ departmentId: pick!.id }));
    expect(answer.invited + answer.authorized + answer.alreadyActive + answer.alreadyInvited + answer.skipped.length).toBe(expected.length);
    expect(answer.invited).toBeGreaterThan(0);
    const after = await opened.db.select().from(members).where(eq(members.teamId, acme));
    const inSub = after.filter((m) => m.departmentIds.some((d) => ids.has(d) && d !== pick!.id) && !m.departmentIds.includes(pick!.id));
    expect(inSub.length).toBeGreaterThan(0);
    for (const m of inSub) expect(["invited", "active", "locked", "removed"]).toContain(m.status);
    const outside = after.filter((m) => !m.departmentIds.some((d) => ids.has(d)) && m.status === "invited");
    const everInvited = new Set((await opened.db.select().from(invitations)).map((i) => i.memberId));
    for (const m of outside) expect(everInvited.has(m.id)).toBe(true);
    expect(after.filter((m) => !m.departmentIds.some((d) => ids.has(d)) && m.status === "imported").length).toBeGreaterThan(0);
    team.withdraw(expected.map((m) => m.wecomUserKey ?? ""));
  });

  it("authorizes everyone with all: true, and a second call changes nothing", async () => {
    const total = (await opened.db.select().from(members).where(eq(members.teamId, acme))).length;
    const answer = await answerOf(await authorize({ all: true }));
    expect(answer.invited + answer.authorized + answer.alreadyActive + answer.alreadyInvited + answer.skipped.length).toBe(total);
    expect(answer.invited).toBeGreaterThan(0);
    const imported = await opened.db
      .select()
      .from(members)
      .where(and(eq(members.teamId, acme), eq(members.status, "imported")));
    expect(imported).toHaveLength(0);
    const sentBefore = (await messages()).length;
    const invitationCount = (await opened.db.select().from(invitations)).length;
    const again = await answerOf(await authorize({ all: true }));
    expect(again).toMatchObject({ authorized: 0, invited: 0 });
    expect((await messages()).length).toBe(sentBefore);
    expect((await opened.db.select().from(invitations)).length).toBe(invitationCount);
  });
});
