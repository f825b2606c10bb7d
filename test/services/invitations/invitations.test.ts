import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invitations, members } from "../../../src/db/schema";
import { authorizeMembers } from "../../../src/services/invitations/authorize";
import { findOpenInvitation } from "../../../src/services/invitations/find-open";
import { hashInvitationToken, newInvitationToken } from "../../../src/services/invitations/token";
import { invitationCard, invitationTextcard } from "../../../src/wecom/cards";
import { boundTeam } from "../../helpers/api";
import { testDeps, type TestDeps } from "../../helpers/deps";
import { control } from "../../helpers/emulator";
import { teamIdOf } from "../../helpers/sync-scenarios";
import { syncNow } from "../../helpers/sync";
import { openTestDb } from "../../helpers/test-db";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
let acme: number;
let userIds: string[];
const operator = { kind: "operator" } as const;

beforeAll(async () => {
  opened = await openTestDb();
  deps = testDeps(opened.db);
  await boundTeam(deps, "acme");
  expect((await syncNow(deps, "acme")).state).toBe("succeeded");
  acme = await teamIdOf(deps, "acme");
  const rows = await opened.db.select().from(members).where(eq(members.teamId, acme)).orderBy(asc(members.id));
  userIds = rows.map((m) => m.wecomUserId ?? "").filter((u) => u !== "");
});
afterAll(async () => opened.close());

const lastToken = async (userId: string): Promise<string> => {
  const { messages } = (await control(deps, "GET", `/_emulator/messages?touser=${userId.toLowerCase()}`)) as {
    messages: { body: { template_card?: { card_action: { url: string } } } }[];
  };
  const url = messages.at(-1)?.body.template_card?.card_action.url ?? "";
  return url.slice(url.lastIndexOf("/") + 1);
};
const invitationsOf = async (userId: string) =>
  opened.db
    .select()
    .from(invitations)
    .where(and(eq(invitations.teamId, acme), eq(invitations.wecomUserKey, userId.toLowerCase())))
    .orderBy(asc(invitations.id));

describe("invitation tokens and cards", () => {
  it("tokens are 256-bit base64url, stored as their SHA-256", () => {
    const { token, tokenHash } = newInvitationToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokenHash).toBe(hashInvitationToken(token));
    expect(tokenHash).not.toBe(token);
    expect(newInvitationToken().token).not.toBe(token);
  });

  it("builds a text_notice card with card_action and the textcard fallback", () => {
    const card = invitationCard({ touser: "zhangsan", teamName: "Acme", url: "https://x.test/join/T", taskId: "inv_1" });
    expect(card).toMatchObject({
      msgtype: "template_card",
      template_card: {
        card_type: "text_notice",
        main_title: { title: "加入「Acme」", desc: "Join Acme" },
        card_action: { type: 1, url: "https://x.test/join/T" },
        task_id: "inv_1",
      },
    });
    const text = invitationTextcard({ touser: "zhangsan", teamName: "<b>A&B</b>", url: "https://x.test/join/T" });
    expect(text).toMatchObject({
      msgtype: "textcard",
      textcard: { title: "团队邀请 Team invitation", btntxt: "加入", url: "https://x.test/join/T" },
    });
    expect(text.msgtype === "textcard" && text.textcard.description).toContain("&lt;b&gt;A&amp;B&lt;/b&gt;");
  });
});

describe("findOpenInvitation", () => {
  it("finds an open invitation by its token until it expires, is consumed or revoked", async () => {
    const [u1, u2] = [userIds[0]!, userIds[1]!];
    const answer = await authorizeMembers(deps, operator, "acme", { wecomUserIds: [u1, u2] });
    expect(answer.invited).toBe(2);
    const [t1, t2] = [await lastToken(u1), await lastToken(u2)];
    const found = await findOpenInvitation(deps, t1);
    expect(found).toMatchObject({ teamId: acme, wecomUserKey: u1.toLowerCase() });
    expect(await findOpenInvitation(deps, `${t1}x`)).toBeNull();
    expect(await findOpenInvitation(deps, "short")).toBeNull();
    expect(await findOpenInvitation(deps, found!.tokenHash)).toBeNull();

    await opened.db.update(invitations).set({ consumedAt: deps.clock.now() }).where(eq(invitations.id, found!.id));
    expect(await findOpenInvitation(deps, t1)).toBeNull();

    expect(await findOpenInvitation(deps, t2)).not.toBeNull();
    deps.clock.advance(7 * 24 * 3600 * 1000 - 1);
    expect(await findOpenInvitation(deps, t2)).not.toBeNull();
    deps.clock.advance(1);
    expect(await findOpenInvitation(deps, t2)).toBeNull();

    // An expired open invitation is replaced on the next authorize.
    const again = await authorizeMembers(deps, operator, "acme", { wecomUserIds: [u2] });
    expect(again.invited).toBe(1);
    const rows = await invitationsOf(u2);
    expect(rows.map((r) => r.revokedAt !== null)).toEqual([true, false]);
    expect(await findOpenInvitation(deps, await lastToken(u2))).toMatchObject({ id: rows[1]!.id });
  });
});

describe("delivery failures and pacing", () => {
  it("a transient send failure leaves the invitation open as failed; re-sent after a minute, not before", async () => {
    const u = userIds[2]!;
    await control(deps, "POST", "/_emulator/faults", { api: "message/send", http: 503, times: 20 });
    const first = await authorizeMembers(deps, operator, "acme", { wecomUserIds: [u] });
    expect(first).toMatchObject({ invited: 1, skipped: [{ wecomUserId: u, reason: "send_failed" }] });
    await control(deps, "DELETE", "/_emulator/faults");
    const [failed] = await invitationsOf(u);
    expect(failed).toMatchObject({ delivery: "failed", revokedAt: null });
    expect(failed!.deliveryError).toBeTruthy();
    const [member] = await opened.db.select().from(members).where(eq(members.wecomUserKey, u.toLowerCase()));
    expect(member?.status).toBe("invited");

    const elapsed = deps.clock.now().getTime() - failed!.createdAt.getTime();
    expect(elapsed).toBeLessThan(60_000);
    const early = await authorizeMembers(deps, operator, "acme", { wecomUserIds: [u] });
    expect(early).toMatchObject({ invited: 0, skipped: [{ wecomUserId: u, reason: "rate_limited" }] });

    deps.clock.advance(60_000 - elapsed);
    const later = await authorizeMembers(deps, operator, "acme", { wecomUserIds: [u] });
    expect(later).toMatchObject({ invited: 1, skipped: [] });
    const rows = await invitationsOf(u);
    expect(rows.map((r) => [r.delivery, r.revokedAt !== null])).toEqual([
      ["failed", true],
      ["sent", false],
    ]);
  });

  it("at most one open invitation per member (partial unique index)", async () => {
    const [row] = await invitationsOf(userIds[2]!).then((r) => r.filter((x) => x.revokedAt === null));
    const now = deps.clock.now();
    await expect(
      opened.db.insert(invitations).values({
        teamId: acme,
        memberId: row!.memberId,
        wecomUserKey: row!.wecomUserKey,
        tokenHash: newInvitationToken().tokenHash,
        createdAt: now,
        expiresAt: now,
      }),
    ).rejects.toThrow();
  });
});
