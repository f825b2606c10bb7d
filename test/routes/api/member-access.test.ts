import { and, asc, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, members } from "../../../src/db/schema";
import { boundTeam } from "../../helpers/api";
import { syncNow } from "../../helpers/sync";
import { openTestDb } from "../../helpers/test-db";
import { accountDeps, client, PASSWORD } from "../../services/accounts/helpers";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  opened = await openTestDb();
  const deps = accountDeps(opened.db);
  api = client(deps);
  await boundTeam(deps, "acme");
  expect((await syncNow(deps, "acme")).state).toBe("succeeded");
}, 180_000);
afterAll(async () => opened.close());

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
const wecomMembers = async () =>
  opened.db
    .select()
    .from(members)
    .where(and(eq(members.status, "imported"), isNull(members.role)))
    .orderBy(asc(members.id));

describe("a member's lock and role through the API", () => {
  it("locks and gives a role as the operator, audited; a second lock, a bad role and an unknown member are refused", async () => {
    const [a, b] = await wecomMembers();
    const locked = await api.json("POST", `/api/teams/acme/members/${a!.id}/lock`);
    expect(locked.status).toBe(200);
    expect(await locked.json()).toMatchObject({ id: a!.id, status: "locked" });
    expect(await errorOf(await api.json("POST", `/api/teams/acme/members/${a!.id}/lock`))).toBe("conflict");
    const role = await api.json("PUT", `/api/teams/acme/members/${b!.id}/role`, { role: "admin" });
    expect(await role.json()).toEqual({ id: b!.id, name: b!.name, accountId: null, before: null, role: "admin", changed: true });
    expect(await opened.db.select().from(auditLog).where(eq(auditLog.action, "member.role_changed"))).toHaveLength(1);
    const bad = await api.json("PUT", `/api/teams/acme/members/${b!.id}/role`, { role: "owner" });
    expect([bad.status, await errorOf(bad)]).toEqual([422, "validation_failed"]);
    expect(await errorOf(await api.json("POST", "/api/teams/acme/members/99999999/lock"))).toBe("not_found");
    expect(await errorOf(await api.json("PUT", "/api/teams/acme/members/99999999/role", { role: "member" }))).toBe("not_found");
  });

  it("refuses a role change to an admin's session, and a lock of that admin by another admin", async () => {
    const sessions = [];
    for (const name of ["adm-a", "adm-b"]) {
      const { id } = await api.register({ username: name, password: PASSWORD, name });
      expect((await api.json("POST", "/api/teams/acme/members", { accountId: id, role: "admin" })).status).toBe(201);
      const [row] = await opened.db.select().from(members).where(eq(members.accountId, id));
      sessions.push({ jar: await api.login(name, PASSWORD), memberId: row!.id });
    }
    const [c] = await wecomMembers();
    const [x, y] = sessions;
    const role = await api.asBrowser(x!.jar, "PUT", `/api/teams/acme/members/${c!.id}/role`, { role: "admin" });
    expect([role.status, await errorOf(role)]).toEqual([403, "forbidden"]);
    const lock = await api.asBrowser(x!.jar, "POST", `/api/teams/acme/members/${y!.memberId}/lock`);
    expect([lock.status, await errorOf(lock)]).toEqual([403, "forbidden"]);
    expect((await api.asBrowser(x!.jar, "POST", `/api/teams/acme/members/${c!.id}/lock`)).status).toBe(200);
  });
});
