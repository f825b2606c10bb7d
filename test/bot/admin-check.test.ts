import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { members } from "../../src/db/schema";
import { isWecomAdmin, wecomAdminUserIds } from "../../src/services/access/wecom-admin";
import type { Actor } from "../../src/services/actor";
import { authorizeMembers } from "../../src/services/invitations/authorize";
import { resendInvitation } from "../../src/services/invitations/resend";
import { matchMembers } from "../../src/services/match/match-members";
import { boundTeam } from "../helpers/api";
import type { TestDeps } from "../helpers/deps";
import { memberByKey, teamIdOf } from "../helpers/sync-scenarios";
import { client, PASSWORD } from "../services/accounts/helpers";
import { ask, botWorld, makeAdminMember } from "./helpers";

let close: () => Promise<void>;
let deps: TestDeps;
let acme: number;
let other: number;
let users: string[];

beforeAll(async () => {
  ({ deps, teamId: acme, users, close } = await botWorld());
  await boundTeam(deps, "other");
  other = await teamIdOf(deps, "other");
  await makeAdminMember(deps, acme, users[1]!, "owner");
});
afterAll(async () => close());

describe("who is a WeCom admin (services/access/wecom-admin.ts)", () => {
  it("binding admins (any case) and active owners/admins by member row; nobody else, and only in their own team", async () => {
    expect(await isWecomAdmin(deps.db, { teamId: acme, userId: users[0]!.toUpperCase() })).toBe(true);
    expect(await isWecomAdmin(deps.db, { teamId: acme, userId: users[1]! })).toBe(true);
    expect(await isWecomAdmin(deps.db, { teamId: acme, userId: users[2]! })).toBe(false);
    expect(await isWecomAdmin(deps.db, { teamId: other, userId: users[0]! })).toBe(false);
    expect((await wecomAdminUserIds(deps.db, { teamId: acme })).map((u) => u.toLowerCase()).sort()).toEqual(
      [users[0]!, users[1]!].map((u) => u.toLowerCase()).sort(),
    );
  });

  it("the verbs a bot command calls refuse a WeCom user who is not an admin of that team (they do not rely on the bot)", async () => {
    const target = users[3]!;
    const member = await memberByKey(deps, acme, target);
    const outsiders: Actor[] = [
      { kind: "wecom_user", teamId: acme, userId: users[2]! },
      // An admin of acme posing as one of another team's chats.
      { kind: "wecom_user", teamId: other, userId: users[0]! },
    ];
    for (const actor of outsiders) {
      await expect(authorizeMembers(deps, actor, "acme", { wecomUserIds: [target] })).rejects.toMatchObject({ code: "forbidden" });
      await expect(resendInvitation(deps, actor, "acme", member.id)).rejects.toMatchObject({ code: "forbidden" });
      await expect(matchMembers(deps, actor, "acme", { dryRun: true })).rejects.toMatchObject({ code: "forbidden" });
    }
    expect((await memberByKey(deps, acme, target)).status).toBe("imported");
    const admin: Actor = { kind: "wecom_user", teamId: acme, userId: users[1]! };
    expect(await authorizeMembers(deps, admin, "acme", { wecomUserIds: [target] })).toMatchObject({ invited: 1 });
    expect(await matchMembers(deps, admin, "acme", { dryRun: true })).toMatchObject({ linked: [] });
  });
});

describe("a console admin's standing never passes to a WeCom member by match alone", () => {
  it("match links WeCom member Dave to the team's console admin 'dave', but Dave's chat commands are still refused", async () => {
    const dave = users[5]!;
    const api = client(deps);
    // The console admin registered the username in another case; an operator added the account as admin.
    const account = await api.register({ username: dave.toUpperCase(), password: PASSWORD, name: "Console Dave" });
    expect((await api.json("POST", "/api/teams/acme/members", { accountId: account.id, role: "admin" })).status).toBe(201);
    const matched = await matchMembers(deps, { kind: "operator" }, "acme", {});
    const row = await memberByKey(deps, acme, dave);
    expect(matched.linked).toContainEqual({ memberId: row.id, accountId: account.id, by: "userid" });
    expect(row).toMatchObject({ accountId: account.id, role: "admin", status: "active", wecomVerifiedAt: null });

    expect(await isWecomAdmin(deps.db, { teamId: acme, userId: dave })).toBe(false);
    expect((await wecomAdminUserIds(deps.db, { teamId: acme })).map((u) => u.toLowerCase())).not.toContain(dave.toLowerCase());
    expect(await ask(deps, dave, "匹配")).toBe("抱歉，只有团队管理员可以使用「匹配」。如需权限，请联系团队管理员。");
    expect(await ask(deps, dave, "sync")).toMatch(/^Sorry, only team admins/);
    // The console account still administers the team.
    const jar = await api.login(dave.toUpperCase(), PASSWORD);
    expect(await (await api.asBrowser(jar, "GET", "/api/teams/acme/access")).json()).toEqual({ role: "admin" });
  });
});

describe("what WeCom vouched for links at once", () => {
  it("an account verified by OAuth as a userid in another team of the same corp links to that userid, whatever its username", async () => {
    const who = users[6]!;
    const api = client(deps);
    const account = await api.register({ username: "personal-handle", password: PASSWORD, name: "Someone" });
    const now = deps.clock.now();
    await deps.db.insert(members).values({
      teamId: other,
      wecomUserId: who,
      wecomUserKey: who.toLowerCase(),
      name: "x",
      status: "active",
      accountId: account.id,
      wecomVerifiedAt: now,
      createdAt: now,
      updatedAt: now,
    });
    const matched = await matchMembers(deps, { kind: "operator" }, "acme", {});
    const row = await memberByKey(deps, acme, who);
    expect(matched.linked).toContainEqual({ memberId: row.id, accountId: account.id, by: "wecom" });
    expect(row.accountId).toBe(account.id);
    expect(row.wecomVerifiedAt).not.toBeNull();
  });
});
