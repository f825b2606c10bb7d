import { and, eq } from "drizzle-orm";
import { describe, expect } from "vitest";
import { members, teams } from "../../../src/db/schema";
import { BINDING, boundTeam } from "../../helpers/api";
import { connectCallbacks, control } from "../../helpers/emulator";
import { emulatorOrg, syncNow } from "../../helpers/sync";
import type { TestDeps } from "../../helpers/deps";
import { syncTest } from "../../helpers/sync-fixture";
import { client, FAST_SCRYPT_N, PASSWORD } from "../accounts/helpers";

// Deps as accountDeps makes them (cheap scrypt); each test binds its own team.
syncTest.override("setup", { deps: { config: { passwordScryptN: FAST_SCRYPT_N } } });
// Set up in a hook (hookTimeout), not within the first test's own timeout: the file's database opens there.
syncTest.beforeEach(({ deps }) => void deps);

/** A WeCom member linked to an account that is logged in; returns what the test needs. */
async function loggedInMember(deps: TestDeps, slug: string, nth: number) {
  const c = client(deps);
  const org = await emulatorOrg(deps);
  const user = org.users.filter((u) => u.status !== 5)[nth]!;
  const account = await c.register({ username: `acct-${slug}-${nth}`, password: PASSWORD, name: user.name });
  const [team] = await deps.db.select().from(teams).where(eq(teams.slug, slug));
  await deps.db
    .update(members)
    .set({ accountId: account.id, status: "active" })
    .where(and(eq(members.teamId, team!.id), eq(members.wecomUserKey, user.userid.toLowerCase())));
  const jar = await c.login(`acct-${slug}-${nth}`, PASSWORD);
  expect((await c.asBrowser(jar, "GET", "/api/me")).status).toBe(200);
  return { c, user, jar, teamId: team!.id };
}

describe("a member locked or deauthorized because WeCom deleted them", () => {
  syncTest("loses their sessions when a sync deprovisions them", async ({ deps }) => {
    await boundTeam(deps, "sync-end");
    await syncNow(deps, "sync-end");
    const { c, user, jar } = await loggedInMember(deps, "sync-end", 1);
    await control(deps, "DELETE", `/_emulator/users/${user.userid}`);
    expect((await syncNow(deps, "sync-end")).counts.members.deprovisioned).toBe(1);
    expect((await c.asBrowser(jar, "GET", "/api/me")).status).toBe(401);
  });

  syncTest("loses their sessions when a delete callback deprovisions them (policy deauthorize)", async ({ deps }) => {
    await boundTeam(deps, "cb-end");
    await syncNow(deps, "cb-end");
    await deps.emulator.fetch("http://emulator.test/_emulator/calls", { method: "DELETE" });
    const { c, user, jar, teamId } = await loggedInMember(deps, "cb-end", 2);
    expect((await c.json("PUT", "/api/teams/cb-end/policy", { onMemberDeleted: "deauthorize" })).status).toBe(200);
    await connectCallbacks(deps, "cb-end", BINDING);
    await control(deps, "DELETE", `/_emulator/users/${user.userid}`);
    await deps.deferred.flush();
    const [row] = await deps.db
      .select()
      .from(members)
      .where(and(eq(members.teamId, teamId), eq(members.wecomUserKey, user.userid.toLowerCase())));
    expect(row?.status).toBe("deauthorized");
    expect((await c.asBrowser(jar, "GET", "/api/me")).status).toBe(401);
  });
});
