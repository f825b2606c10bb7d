import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isWecomAdmin, wecomAdminUserIds } from "../../src/services/access/wecom-admin";
import type { Actor } from "../../src/services/actor";
import { authorizeMembers } from "../../src/services/invitations/authorize";
import { resendInvitation } from "../../src/services/invitations/resend";
import { matchMembers } from "../../src/services/match/match-members";
import { boundTeam } from "../helpers/api";
import type { TestDeps } from "../helpers/deps";
import { memberByKey, teamIdOf } from "../helpers/sync-scenarios";
import { botWorld, makeAdminMember } from "./helpers";

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
    expect((await wecomAdminUserIds(deps.db, { teamId: acme })).map((u) => u.toLowerCase()).sort()).toEqual([users[0]!, users[1]!].map((u) => u.toLowerCase()).sort());
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
