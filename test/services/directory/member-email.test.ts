import { and, eq, isNotNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { members } from "../../../src/db/schema";
import { apiClient, BINDING, boundTeam } from "../../helpers/api";
import { testDeps, type TestDeps } from "../../helpers/deps";
import { connectCallbacks, control } from "../../helpers/emulator";
import { emulatorOrg, syncNow } from "../../helpers/sync";
import { auditCount, memberByKey, rowVersions, teamIdOf } from "../../helpers/sync-scenarios";
import { openTestDb } from "../../helpers/test-db";

// An app created before 2022-06-20 receives members' emails from the contacts APIs
// (docs/wecom.md#restricted-fields): the mirror keeps them lower-cased, for one-click match's suggestions.
let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
let teamId: number;

beforeAll(async () => {
  opened = await openTestDb();
  deps = testDeps(opened.db);
  await control(deps, "PUT", `/_emulator/apps/${BINDING.agentId}`, { restricted: false });
  await boundTeam(deps, "acme");
  teamId = await teamIdOf(deps, "acme");
  expect((await syncNow(deps, "acme")).state).toBe("succeeded");
});
afterAll(async () => opened.close());

const emailOf = async (userId: string) => (await memberByKey(deps, teamId, userId)).email;
const emailInWecom = async (userId: string) =>
  ((await control(deps, "GET", `/_emulator/users/${userId}`)) as { user: { email?: string } }).user.email ?? "";

describe("members' emails from an older app", () => {
  it("the import keeps every visible member's email, lower-cased", async () => {
    const org = await emulatorOrg(deps);
    const visible = org.users.filter((u) => u.status !== 5);
    for (const u of visible.slice(0, 10)) expect(await emailOf(u.userid)).toBe((await emailInWecom(u.userid)).toLowerCase());
    const withEmail = await opened.db
      .select()
      .from(members)
      .where(and(eq(members.teamId, teamId), isNotNull(members.email)));
    expect(withEmail.length).toBe((await opened.db.select().from(members).where(eq(members.teamId, teamId))).length);
  });

  it("an unchanged re-sync writes nothing: the hash computed in PostgreSQL at import equals the service's", async () => {
    const before = await rowVersions(deps, teamId);
    const audits = await auditCount(deps, teamId);
    deps.clock.advance(3600_000);
    expect((await syncNow(deps, "acme")).state).toBe("succeeded");
    expect(await rowVersions(deps, teamId)).toEqual(before);
    expect(await auditCount(deps, teamId)).toBe(audits);
  });

  it("a changed email is an update, by sync and by callback alike", async () => {
    const [a, b] = (await emulatorOrg(deps)).users.filter((u) => u.status !== 5);
    await control(deps, "PATCH", `/_emulator/users/${a!.userid}`, { email: "  New.Address@Example.COM " });
    const job = await syncNow(deps, "acme");
    expect(job.counts.members).toMatchObject({ updated: 1, created: 0 });
    expect(await emailOf(a!.userid)).toBe("new.address@example.com");

    await connectCallbacks(deps, "acme", BINDING);
    await control(deps, "PATCH", `/_emulator/users/${b!.userid}`, { email: "B.Changed@Example.com" });
    await deps.deferred.flush();
    expect(await emailOf(b!.userid)).toBe("b.changed@example.com");
  });

  it("one-click match suggests the account registered with that email, in any case", async () => {
    const [, , c] = (await emulatorOrg(deps)).users.filter((u) => u.status !== 5);
    const api = apiClient(deps);
    const reg = await api.json("POST", "/api/accounts", {
      username: "mail-match",
      password: "correct horse battery",
      name: "Nobody Alike",
      email: (await emailInWecom(c!.userid)).toUpperCase(),
    });
    const { id } = ((await reg.json()) as { account: { id: number } }).account;
    const res = await api.json("POST", "/api/teams/acme/match", { dryRun: true });
    const body = (await res.json()) as { suggested: { wecomUserId: string; accountId: number; by: string }[] };
    expect(body.suggested).toContainEqual(expect.objectContaining({ wecomUserId: c!.userid, accountId: id, by: "email" }));
  });
});
