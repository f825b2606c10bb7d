import { and, asc, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, members, type MemberRole, type MemberStatus } from "../../../src/db/schema";
import { boundTeam, OPERATOR } from "../../helpers/api";
import type { TestDeps } from "../../helpers/deps";
import { teamIdOf } from "../../helpers/sync-scenarios";
import { syncNow } from "../../helpers/sync";
import { openTestDb } from "../../helpers/test-db";
import { accountDeps, client, type CookieJar, PASSWORD } from "../../services/accounts/helpers";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
let api: ReturnType<typeof client>;
let acme: number;
let seq = 0;

beforeAll(async () => {
  opened = await openTestDb();
  deps = accountDeps(opened.db);
  api = client(deps);
  await boundTeam(deps, "acme");
  const job = await syncNow(deps, "acme");
  expect(job.state).toBe("succeeded");
  acme = await teamIdOf(deps, "acme");
  expect((await api.json("POST", "/api/teams", { slug: "beta", name: "Beta" })).status).toBe(201);
});
afterAll(async () => opened.close());

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; fields?: { field: string }[] } }).error;

/** A fresh account, logged in. */
async function person(prefix: string): Promise<{ id: number; jar: CookieJar }> {
  const username = `${prefix}-${++seq}`;
  const { id } = await api.register({ username, password: PASSWORD, name: username });
  return { id, jar: await api.login(username, PASSWORD) };
}

/** Fixture: links the next still-unlinked WeCom member of acme to the account, with this standing. */
async function linkWecomMember(accountId: number, status: MemberStatus, role: MemberRole | null): Promise<number> {
  const [free] = await opened.db
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.teamId, acme), isNull(members.accountId)))
    .orderBy(asc(members.id))
    .limit(1);
  if (!free) throw new Error("no unlinked member left");
  await opened.db.update(members).set({ accountId, status, role }).where(eq(members.id, free.id));
  return free.id;
}

async function personWith(status: MemberStatus, role: MemberRole | null) {
  const p = await person(`${status}-${role ?? "none"}`);
  const memberId = await linkWecomMember(p.id, status, role);
  return { ...p, memberId };
}

describe("GET /api/teams/:slug/access", () => {
  it.each<[MemberStatus, MemberRole | null, number, Record<string, unknown>]>([
    ["active", "member", 200, { role: "member" }],
    ["active", "admin", 200, { role: "admin" }],
    ["active", "owner", 200, { role: "owner" }],
    ["active", null, 200, { role: "member" }],
    ["locked", "member", 403, { error: { code: "member_locked" } }],
    ["locked", "admin", 403, { error: { code: "member_locked" } }],
    ["deauthorized", "member", 403, { error: { code: "not_authorized" } }],
    ["imported", null, 403, { error: { code: "not_a_member" } }],
    ["invited", null, 403, { error: { code: "not_a_member" } }],
    ["removed", "member", 403, { error: { code: "not_a_member" } }],
  ])("%s (%s) → %i %j", async (status, role, code, body) => {
    const { jar } = await personWith(status, role);
    const res = await api.asBrowser(jar, "GET", "/api/teams/acme/access");
    expect(res.status).toBe(code);
    expect(await res.json()).toMatchObject(body);
  });

  it("answers 403 not_a_member without a member row, and for a team that does not exist", async () => {
    const { jar } = await person("outsider");
    for (const slug of ["acme", "beta", "no-such-team"]) {
      const res = await api.asBrowser(jar, "GET", `/api/teams/${slug}/access`);
      expect(res.status).toBe(403);
      expect((await errorOf(res)).code).toBe("not_a_member");
    }
  });

  it("answers 401 without a session, even to the operator token", async () => {
    for (const headers of [{}, OPERATOR]) {
      const res = await api.json("GET", "/api/teams/acme/access", undefined, headers);
      expect(res.status).toBe(401);
    }
  });

  it("follows the member's standing as it changes", async () => {
    const { jar, memberId } = await personWith("active", "member");
    expect((await api.asBrowser(jar, "GET", "/api/teams/acme/access")).status).toBe(200);
    await opened.db.update(members).set({ status: "locked", statusBefore: "active" }).where(eq(members.id, memberId));
    expect((await errorOf(await api.asBrowser(jar, "GET", "/api/teams/acme/access"))).code).toBe("member_locked");
    expect((await api.json("POST", `/api/teams/acme/members/${memberId}/unlock`)).status).toBe(200);
    expect(await (await api.asBrowser(jar, "GET", "/api/teams/acme/access")).json()).toEqual({ role: "member" });
  });
});

describe("team endpoints with a session", () => {
  it("let an active team admin or owner in", async () => {
    for (const role of ["admin", "owner"] as const) {
      const { jar } = await personWith("active", role);
      const list = await api.asBrowser(jar, "GET", "/api/teams/acme/members?limit=5");
      expect(list.status).toBe(200);
      expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(5);
      expect((await api.asBrowser(jar, "GET", "/api/teams/acme/policy")).status).toBe(200);
      expect((await api.asBrowser(jar, "PUT", "/api/teams/acme/policy", { onMemberDeleted: "lock" })).status).toBe(200);
    }
  });

  it("refuse a plain member with 403 forbidden, and nobody with 401", async () => {
    const { jar } = await personWith("active", "member");
    const res = await api.asBrowser(jar, "GET", "/api/teams/acme/members");
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe("forbidden");
    expect((await api.json("GET", "/api/teams/acme/members", undefined, {})).status).toBe(401);
    expect((await api.json("GET", "/api/teams/acme/members", undefined, { cookie: "__Host-wr_session=junk" })).status).toBe(401);
  });

  it.each<[MemberStatus, string]>([
    ["locked", "member_locked"],
    ["deauthorized", "not_authorized"],
    ["removed", "not_a_member"],
  ])("refuse a %s admin with %s", async (status, code) => {
    const { jar } = await personWith(status, "admin");
    for (const [method, path] of [
      ["GET", "/api/teams/acme/members"],
      ["POST", "/api/teams/acme/sync"],
      ["GET", "/api/teams/acme/wecom"],
    ] as const) {
      const res = await api.asBrowser(jar, method, path);
      expect(res.status).toBe(403);
      expect((await errorOf(res)).code).toBe(code);
    }
  });

  it("do not carry an admin of one team into another", async () => {
    const { jar } = await personWith("active", "admin");
    const res = await api.asBrowser(jar, "GET", "/api/teams/beta/members");
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe("not_a_member");
  });

  it("keep POST /api/teams operator-only", async () => {
    const { jar } = await personWith("active", "owner");
    const res = await api.asBrowser(jar, "POST", "/api/teams", { slug: "by-admin", name: "x" });
    expect(res.status).toBe(401);
  });

  it("refuse a state change sent by another site's page (403 csrf_failed)", async () => {
    const { jar } = await personWith("active", "admin");
    const res = await api.asBrowser(
      jar,
      "PUT",
      "/api/teams/acme/policy",
      { onMemberDeleted: "remove" },
      { origin: "https://evil.example" },
    );
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe("csrf_failed");
    expect(await (await api.json("GET", "/api/teams/acme/policy")).json()).toEqual({ onMemberDeleted: "lock" });
  });
});

describe("POST /api/teams/:slug/members", () => {
  it("adds an existing account as an active, non-WeCom member (201) and audits it", async () => {
    const { id, jar } = await person("added");
    const res = await api.json("POST", "/api/teams/acme/members", { accountId: id });
    expect(res.status).toBe(201);
    const { member } = (await res.json()) as { member: Record<string, unknown> };
    expect(member).toMatchObject({ accountId: id, wecomUserId: null, status: "active", role: "member", departmentIds: [] });
    const [row] = await opened.db
      .select()
      .from(members)
      .where(eq(members.id, member.id as number));
    expect(row).toMatchObject({ wecomUserKey: null, wecomUserId: null, accountId: id, status: "active", role: "member" });
    expect(await (await api.asBrowser(jar, "GET", "/api/teams/acme/access")).json()).toEqual({ role: "member" });
    const audit = await opened.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "member.added"), eq(auditLog.subjectId, String(member.id))));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ initiator: "admin", actor: "operator", after: { accountId: id, role: "member", status: "active" } });

    const again = await api.json("POST", "/api/teams/acme/members", { accountId: id, role: "admin" });
    expect(again.status).toBe(409);
    expect((await errorOf(again)).code).toBe("already_member");
  });

  it("adds an account once when two adds race", async () => {
    const { id } = await person("racer");
    const answers = await Promise.all([1, 2, 3].map(async () => api.json("POST", "/api/teams/acme/members", { accountId: id })));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(
      await opened.db
        .select()
        .from(members)
        .where(and(eq(members.teamId, acme), eq(members.accountId, id))),
    ).toHaveLength(1);
  });

  it("refuses an account already linked to a WeCom member of the team", async () => {
    const { id } = await personWith("active", "member");
    const res = await api.json("POST", "/api/teams/acme/members", { accountId: id });
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe("already_member");
  });

  it("names bad fields in a 422: an unknown account, a bad role, a missing id", async () => {
    const unknown = await api.json("POST", "/api/teams/acme/members", { accountId: 999_999 });
    expect(unknown.status).toBe(422);
    expect((await errorOf(unknown)).fields!.map((f) => f.field)).toEqual(["accountId"]);
    const bad = await api.json("POST", "/api/teams/acme/members", { accountId: "1", role: "king" });
    expect(bad.status).toBe(422);
    expect((await errorOf(bad)).fields!.map((f) => f.field).sort()).toEqual(["accountId", "role"]);
    expect((await api.json("POST", "/api/teams/no-such-team/members", { accountId: 1 })).status).toBe(404);
  });

  it("makes the first owner of a team, then no second one", async () => {
    const first = await person("beta-owner");
    const res = await api.json("POST", "/api/teams/beta/members", { accountId: first.id, role: "owner" });
    expect(res.status).toBe(201);
    expect(await (await api.asBrowser(first.jar, "GET", "/api/teams/beta/access")).json()).toEqual({ role: "owner" });

    const second = await person("beta-owner-2");
    const refused = await api.json("POST", "/api/teams/beta/members", { accountId: second.id, role: "owner" });
    expect(refused.status).toBe(409);
    expect((await errorOf(refused)).code).toBe("conflict");

    // The owner's session administers the team: it adds an admin and a member.
    const added = await api.asBrowser(first.jar, "POST", "/api/teams/beta/members", { accountId: second.id, role: "admin" });
    expect(added.status).toBe(201);
    const third = await person("beta-member");
    expect((await api.asBrowser(second.jar, "POST", "/api/teams/beta/members", { accountId: third.id })).status).toBe(201);
    const audit = await opened.db.select().from(auditLog).where(eq(auditLog.action, "member.added"));
    expect(audit.map((a) => a.actor)).toContain(`account:${first.id}`);

    // A plain member may not add anyone.
    const fourth = await person("beta-nobody");
    const byMember = await api.asBrowser(third.jar, "POST", "/api/teams/beta/members", { accountId: fourth.id });
    expect(byMember.status).toBe(403);
    expect((await errorOf(byMember)).code).toBe("forbidden");
    expect((await api.json("POST", "/api/teams/beta/members", { accountId: fourth.id }, {})).status).toBe(401);
  });

  it("keeps non-WeCom members through a sync", async () => {
    const { id, jar } = await person("survivor");
    expect((await api.json("POST", "/api/teams/acme/members", { accountId: id })).status).toBe(201);
    expect((await syncNow(deps, "acme")).state).toBe("succeeded");
    expect(await (await api.asBrowser(jar, "GET", "/api/teams/acme/access")).json()).toEqual({ role: "member" });
  });
});
