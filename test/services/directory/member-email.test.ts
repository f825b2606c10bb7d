import { and, eq, isNotNull } from "drizzle-orm";
import { describe, expect } from "vitest";
import { members } from "../../../src/db/schema";
import { apiClient, BINDING } from "../../helpers/api";
import type { TestDeps } from "../../helpers/deps";
import { connectCallbacks, control } from "../../helpers/emulator";
import { emulatorOrg, syncNow } from "../../helpers/sync";
import { auditCount, memberByKey, rowVersions } from "../../helpers/sync-scenarios";
import { sharedAcme, syncTest } from "../../helpers/sync-fixture";

// An app created before 2022-06-20 receives members' emails from the contacts APIs
// (docs/wecom.md#restricted-fields): the mirror keeps them lower-cased, for one-click match's suggestions.
// One import for the whole file: its tests build on one another.
const emailTest = syncTest.extend("shared", { scope: "file" }, ({ db }) =>
  sharedAcme(db, { prepare: (deps) => control(deps, "PUT", `/_emulator/apps/${BINDING.agentId}`, { restricted: false }) }),
);
// Set up in a hook (hookTimeout), not within the first test's own timeout: the file's database opens there.
emailTest.beforeEach(({ shared }) => void shared);

const emailOf = async (deps: TestDeps, teamId: number, userId: string) => (await memberByKey(deps, teamId, userId)).email;
const emailInWecom = async (deps: TestDeps, userId: string) =>
  ((await control(deps, "GET", `/_emulator/users/${userId}`)) as { user: { email?: string } }).user.email ?? "";

describe("members' emails from an older app", () => {
  emailTest("the import keeps every visible member's email, lower-cased", async ({ shared: { deps, teamId } }) => {
    const org = await emulatorOrg(deps);
    const visible = org.users.filter((u) => u.status !== 5);
    for (const u of visible.slice(0, 10))
      expect(await emailOf(deps, teamId, u.userid)).toBe((await emailInWecom(deps, u.userid)).toLowerCase());
    const withEmail = await deps.db
      .select()
      .from(members)
      .where(and(eq(members.teamId, teamId), isNotNull(members.email)));
    expect(withEmail.length).toBe((await deps.db.select().from(members).where(eq(members.teamId, teamId))).length);
  });

  emailTest(
    "an unchanged re-sync writes nothing: the hash computed in PostgreSQL at import equals the service's",
    async ({ shared: { deps, teamId } }) => {
      const before = await rowVersions(deps, teamId);
      const audits = await auditCount(deps, teamId);
      deps.clock.advance(3600_000);
      expect((await syncNow(deps, "acme")).state).toBe("succeeded");
      expect(await rowVersions(deps, teamId)).toEqual(before);
      expect(await auditCount(deps, teamId)).toBe(audits);
    },
  );

  emailTest("a changed email is an update, by sync and by callback alike", async ({ shared: { deps, teamId } }) => {
    const [a, b] = (await emulatorOrg(deps)).users.filter((u) => u.status !== 5);
    await control(deps, "PATCH", `/_emulator/users/${a!.userid}`, { email: "  New.Address@Example.COM " });
    const job = await syncNow(deps, "acme");
    expect(job.counts.members).toMatchObject({ updated: 1, created: 0 });
    expect(await emailOf(deps, teamId, a!.userid)).toBe("new.address@example.com");

    await connectCallbacks(deps, "acme", BINDING);
    await control(deps, "PATCH", `/_emulator/users/${b!.userid}`, { email: "B.Changed@Example.com" });
    await deps.deferred.flush();
    expect(await emailOf(deps, teamId, b!.userid)).toBe("b.changed@example.com");
  });

  emailTest("one-click match suggests the account registered with that email, in any case", async ({ shared: { deps } }) => {
    const [, , c] = (await emulatorOrg(deps)).users.filter((u) => u.status !== 5);
    const api = apiClient(deps);
    const reg = await api.json("POST", "/api/accounts", {
      username: "mail-match",
      password: "correct horse battery",
      name: "Nobody Alike",
      email: (await emailInWecom(deps, c!.userid)).toUpperCase(),
    });
    const { id } = ((await reg.json()) as { account: { id: number } }).account;
    const res = await api.json("POST", "/api/teams/acme/match", { dryRun: true });
    const body = (await res.json()) as { suggested: { wecomUserId: string; accountId: number; by: string }[] };
    expect(body.suggested).toContainEqual(expect.objectContaining({ wecomUserId: c!.userid, accountId: id, by: "email" }));
  });
});
