import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertAccount } from "../../../src/db/queries/accounts";
import { insertAccountMember } from "../../../src/db/queries/memberships";
import { insertTeam, type TeamRow } from "../../../src/db/queries/teams";
import { members, type MemberRole, type MemberStatus } from "../../../src/db/schema";
import { AppError } from "../../../src/errors";
import { can, PERMISSIONS, requirePermission, type Permission } from "../../../src/services/access/policy";
import type { Actor } from "../../../src/services/actor";
import { testDeps, type TestDeps } from "../../helpers/deps";
import { openTestDb } from "../../helpers/test-db";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
let acme: TeamRow;
let beta: TeamRow;
let seq = 0;

beforeAll(async () => {
  opened = await openTestDb();
  deps = testDeps(opened.db);
  acme = (await insertTeam(deps.db, { slug: "acme", name: "Acme" }))!;
  beta = (await insertTeam(deps.db, { slug: "beta", name: "Beta" }))!;
});
afterAll(async () => opened.close());

/** An account with one member row per (team, status, role) given. */
async function account(rows: { team: TeamRow; status: MemberStatus; role: MemberRole }[]): Promise<Actor> {
  const username = `person-${++seq}`;
  const now = deps.clock.now();
  const row = await insertAccount(deps.db, {
    username,
    usernameKey: username,
    name: username,
    passwordHash: "x",
    createdAt: now,
    updatedAt: now,
  });
  for (const r of rows)
    await insertAccountMember(deps.db, { teamId: r.team.id, accountId: row!.id, name: username, role: r.role, status: r.status, now });
  return { kind: "account", accountId: row!.id };
}

/** A WeCom member of the team, its link vouched for by WeCom (or not: a role merged in by match). */
async function wecomUser(
  team: TeamRow,
  role: MemberRole,
  opts: { vouched?: boolean } = {},
): Promise<Extract<Actor, { kind: "wecom_user" }>> {
  const userId = `User${++seq}`;
  const now = deps.clock.now();
  await deps.db.insert(members).values({
    teamId: team.id,
    wecomUserId: userId,
    wecomUserKey: userId.toLowerCase(),
    name: userId,
    role,
    status: "active",
    wecomVerifiedAt: opts.vouched === false ? null : now,
    createdAt: now,
    updatedAt: now,
  });
  // The actor's userid in another case than the row's: userids compare ignoring case.
  return { kind: "wecom_user", teamId: team.id, userId: userId.toUpperCase() };
}

const TEAM_WIDE = PERMISSIONS.filter((p) => p !== "teams.create");
const WECOM_ADMIN: Permission[] = [
  "team.read",
  "sync.start",
  "job.cancel",
  "job.decide",
  "policy.set",
  "members.manage",
  "members.authorize",
];

async function allowed(actor: Actor, team: TeamRow): Promise<Permission[]> {
  const out: Permission[] = [];
  for (const p of TEAM_WIDE) if (await can(deps.db, actor, team, p)) out.push(p);
  return out;
}

async function refusalCode(actor: Actor, team: TeamRow | null, permission: Permission): Promise<string | null> {
  try {
    await requirePermission(deps.db, actor, team, permission);
    return null;
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
}

describe("can(actor, team, permission)", () => {
  it("lets the operator do anything, creating teams included", async () => {
    expect(await allowed({ kind: "operator" }, acme)).toEqual(TEAM_WIDE);
    expect(await can(deps.db, { kind: "operator" }, null, "teams.create")).toBe(true);
  });

  it("lets an active owner do everything in their team, an admin all but decide roles, and neither anything in another", async () => {
    for (const role of ["owner", "admin"] as const) {
      const actor = await account([{ team: acme, status: "active", role }]);
      expect(await allowed(actor, acme)).toEqual(role === "owner" ? TEAM_WIDE : TEAM_WIDE.filter((p) => p !== "members.roles"));
      if (role === "admin") expect(await refusalCode(actor, acme, "members.roles")).toBe("forbidden");
      expect(await allowed(actor, beta)).toEqual([]);
      expect(await refusalCode(actor, beta, "team.read")).toBe("not_a_member");
      expect(await refusalCode(actor, null, "teams.create")).toBe("forbidden");
    }
  });

  it("refuses a plain member every permission, 403 forbidden", async () => {
    const actor = await account([{ team: acme, status: "active", role: "member" }]);
    expect(await allowed(actor, acme)).toEqual([]);
    for (const p of TEAM_WIDE) expect(await refusalCode(actor, acme, p)).toBe("forbidden");
  });

  it.each<[MemberStatus, string]>([
    ["locked", "member_locked"],
    ["deauthorized", "not_authorized"],
    ["imported", "not_a_member"],
    ["invited", "not_a_member"],
    ["removed", "not_a_member"],
  ])("refuses an admin whose row is %s: %s, whatever the permission", async (status, code) => {
    const actor = await account([{ team: acme, status, role: "admin" }]);
    expect(await allowed(actor, acme)).toEqual([]);
    for (const p of TEAM_WIDE) expect(await refusalCode(actor, acme, p)).toBe(code);
  });

  it("lets a lock on one row win over an active admin row of the same account", async () => {
    const actor = await account([
      { team: acme, status: "active", role: "admin" },
      { team: acme, status: "locked", role: "member" },
    ]);
    expect(await allowed(actor, acme)).toEqual([]);
    expect(await refusalCode(actor, acme, "sync.start")).toBe("member_locked");
  });

  it("refuses a stranger (an account with no row anywhere): not_a_member", async () => {
    const actor = await account([]);
    expect(await allowed(actor, acme)).toEqual([]);
    expect(await refusalCode(actor, acme, "job.cancel")).toBe("not_a_member");
  });

  it("judges an account by the team asked about, not by a row of the same slug elsewhere", async () => {
    const actor = await account([{ team: beta, status: "active", role: "owner" }]);
    // A TeamRef whose id is acme's and slug beta's: the standing is beta's, so nothing counts.
    expect(await allowed(actor, { ...acme, slug: beta.slug })).toEqual([]);
  });

  it("lets a WeCom admin of the team do what the bot offers: not bind, not manage webhooks", async () => {
    for (const role of ["owner", "admin"] as const) {
      const actor = await wecomUser(acme, role);
      expect(await allowed(actor, acme)).toEqual(WECOM_ADMIN);
      expect(await refusalCode(actor, acme, "team.bind")).toBe("forbidden");
      expect(await refusalCode(actor, acme, "webhooks.manage")).toBe("forbidden");
      expect(await refusalCode(actor, null, "teams.create")).toBe("forbidden");
    }
  });

  it("refuses a WeCom user who is not an admin, an admin of another team, and a role match merged in without WeCom's word", async () => {
    const member = await wecomUser(acme, "member");
    expect(await allowed(member, acme)).toEqual([]);
    const betaAdmin = await wecomUser(beta, "admin");
    expect(await allowed(betaAdmin, acme)).toEqual([]);
    // The same userid claimed for acme: the row that makes it an admin is beta's.
    expect(await allowed({ ...betaAdmin, teamId: acme.id }, acme)).toEqual([]);
    expect(await allowed(await wecomUser(acme, "admin", { vouched: false }), acme)).toEqual([]);
    expect(await refusalCode(member, acme, "sync.start")).toBe("forbidden");
  });

  it("gives callbacks nothing and the system only the starting of syncs", async () => {
    expect(await allowed({ kind: "callback", teamId: acme.id }, acme)).toEqual([]);
    expect(await allowed({ kind: "system", reason: "reconcile" }, acme)).toEqual(["sync.start"]);
    expect(await refusalCode({ kind: "system", reason: "visitor" }, acme, "team.read")).toBe("forbidden");
    expect(await can(deps.db, { kind: "system", reason: "reconcile" }, null, "teams.create")).toBe(false);
  });
});
