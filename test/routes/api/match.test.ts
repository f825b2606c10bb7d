import { and, asc, count, eq, inArray, isNotNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts, auditLog, members } from "../../../src/db/schema";
import type { MemberRow } from "../../../src/db/queries/directory";
import { linkMember } from "../../../src/services/match/link-member";
import { boundTeam, OPERATOR } from "../../helpers/api";
import type { TestDeps } from "../../helpers/deps";
import { teamIdOf } from "../../helpers/sync-scenarios";
import { syncNow } from "../../helpers/sync";
import { openTestDb } from "../../helpers/test-db";
import { accountDeps, client, PASSWORD } from "../../services/accounts/helpers";

interface MatchBody {
  linked: { memberId: number; accountId: number; by: string }[];
  suggested: { memberId: number; wecomUserId: string; name: string; by: string; accountId: number; username: string }[];
  conflicts: { memberId: number; wecomUserId: string; name: string; candidates: { accountId: number; username: string }[] }[];
}
interface ConfirmBody {
  linked: { memberId: number; accountId: number; by: string }[];
  rejected: { memberId: number; accountId: number; reason: string }[];
}

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
let api: ReturnType<typeof client>;
let acme: number;
/** WeCom members of acme with a name no other member has, in id order; each scenario takes its own. */
let pool: MemberRow[];
const take = (): MemberRow => {
  const m = pool.shift();
  if (!m) throw new Error("no member left");
  return m;
};

const register = (username: string, name: string) => api.register({ username, password: PASSWORD, name });
const memberRow = async (id: number) => (await opened.db.select().from(members).where(eq(members.id, id)))[0];
const linkAudits = async () =>
  opened.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.teamId, acme), inArray(auditLog.action, ["member.linked", "member.merged"])))
    .orderBy(asc(auditLog.id));
const linkedCount = async () =>
  Number(
    (
      await opened.db
        .select({ n: count() })
        .from(members)
        .where(and(eq(members.teamId, acme), isNotNull(members.accountId)))
    )[0]?.n ?? 0,
  );
const match = async (body?: unknown, headers: Record<string, string> = OPERATOR) =>
  api.json("POST", "/api/teams/acme/match", body, headers);

// The scenario: fixtures for every case, then a dry run, a real run and a re-run over all of them.
const s = {} as {
  byUserid: { member: MemberRow; accountId: number };
  byName: { member: MemberRow; accountId: number };
  twoNames: { member: MemberRow; a: number; b: number };
  useridVsName: { member: MemberRow; byUserid: number; byName: number };
  merged: { member: MemberRow; accountId: number; rowId: number };
  stale: { member: MemberRow; accountId: number };
  byEmail: { member: MemberRow; accountId: number };
  admin: { accountId: number };
};

beforeAll(async () => {
  opened = await openTestDb();
  deps = accountDeps(opened.db);
  api = client(deps);
  await boundTeam(deps, "acme");
  expect((await syncNow(deps, "acme")).state).toBe("succeeded");
  acme = await teamIdOf(deps, "acme");
  const all = await opened.db.select().from(members).where(eq(members.teamId, acme)).orderBy(asc(members.id));
  const names = new Map<string, number>();
  for (const m of all) names.set(m.name, (names.get(m.name) ?? 0) + 1);
  pool = all.filter((m) => names.get(m.name) === 1 && /^[A-Za-z0-9_.@-]{3,64}$/.test(m.wecomUserId ?? ""));
  expect(pool.length).toBeGreaterThanOrEqual(8);

  // userid = username, in another case; the account's name differs from the member's.
  const u = take();
  expect(u.wecomUserId!.toUpperCase()).not.toBe(u.wecomUserId);
  s.byUserid = { member: u, accountId: (await register(u.wecomUserId!.toUpperCase(), "Someone Else")).id };
  // Only the name matches, and exactly one account has it.
  const n = take();
  s.byName = { member: n, accountId: (await register("name-only", n.name)).id };
  // Two accounts with the member's name.
  const t = take();
  s.twoNames = { member: t, a: (await register("twin-a", t.name)).id, b: (await register("twin-b", t.name)).id };
  // The userid points at one account, the name at another.
  const v = take();
  s.useridVsName = {
    member: v,
    byUserid: (await register(v.wecomUserId!, "Not The Name")).id,
    byName: (await register("by-name", v.name)).id,
  };
  // An account already a (non-WeCom) admin of the team, whose username is a WeCom member's userid.
  const g = take();
  const gAccount = await register(g.wecomUserId!, "Merged Person");
  const added = await api.json("POST", "/api/teams/acme/members", { accountId: gAccount.id, role: "admin" });
  expect(added.status).toBe(201);
  s.merged = { member: g, accountId: gAccount.id, rowId: ((await added.json()) as { member: { id: number } }).member.id };
  // A name suggestion whose name will have changed by the time it is confirmed.
  const st = take();
  s.stale = { member: st, accountId: (await register("stale-one", st.name)).id };
  // WeCom gives this member's email (an app created before 2022-06-20); an account registered the
  // same address in other case. Account emails are unverified: a suggestion, never a link.
  const e = take();
  await opened.db.update(members).set({ email: "jun.li@corp.example" }).where(eq(members.id, e.id));
  const mail = await api.register({ username: "mail-only", password: PASSWORD, name: "Nobody Alike", email: "Jun.Li@Corp.Example" });
  s.byEmail = { member: { ...e, email: "jun.li@corp.example" }, accountId: mail.id };
  // A team admin's session (an account matching nothing).
  const admin = await register("team-admin", "Team Admin");
  expect((await api.json("POST", "/api/teams/acme/members", { accountId: admin.id, role: "admin" })).status).toBe(201);
  s.admin = { accountId: admin.id };
});
afterAll(async () => opened.close());

describe("POST /api/teams/:slug/match", () => {
  it("with dryRun reports what would link and changes nothing", async () => {
    const before = {
      linked: await linkedCount(),
      audits: (await linkAudits()).length,
      rows: await opened.db.select().from(members).orderBy(asc(members.id)),
    };
    const res = await match({ dryRun: true });
    expect(res.status).toBe(200);
    const body = (await res.json()) as MatchBody;
    expect(body.linked).toEqual([{ memberId: s.merged.member.id, accountId: s.merged.accountId, by: "userid" }]);
    expect(await linkedCount()).toBe(before.linked);
    expect((await linkAudits()).length).toBe(before.audits);
    expect(await opened.db.select().from(members).orderBy(asc(members.id))).toEqual(before.rows);
  });

  it("links userid = username only for an account already in the team; a stranger's is a suggestion; reports conflicts", async () => {
    const res = await match({});
    expect(res.status).toBe(200);
    const body = (await res.json()) as MatchBody;
    expect(body.linked).toEqual([{ memberId: s.merged.member.id, accountId: s.merged.accountId, by: "userid" }]);

    // Anyone may register a colleague's userid as username (here in another case): outside the
    // team that is a suggestion for an admin, never a link.
    expect(body.suggested).toContainEqual({
      memberId: s.byUserid.member.id,
      wecomUserId: s.byUserid.member.wecomUserId,
      name: s.byUserid.member.name,
      by: "userid",
      accountId: s.byUserid.accountId,
      username: s.byUserid.member.wecomUserId!.toUpperCase(),
    });
    expect((await memberRow(s.byUserid.member.id))?.accountId).toBeNull();

    // A unique name is a suggestion only.
    expect(body.suggested).toContainEqual({
      memberId: s.byName.member.id,
      wecomUserId: s.byName.member.wecomUserId,
      name: s.byName.member.name,
      by: "name",
      accountId: s.byName.accountId,
      username: "name-only",
    });
    expect((await memberRow(s.byName.member.id))?.accountId).toBeNull();

    // The same email, compared ignoring case: a suggestion too.
    expect(body.suggested).toContainEqual({
      memberId: s.byEmail.member.id,
      wecomUserId: s.byEmail.member.wecomUserId,
      name: s.byEmail.member.name,
      by: "email",
      accountId: s.byEmail.accountId,
      username: "mail-only",
    });
    expect((await memberRow(s.byEmail.member.id))?.accountId).toBeNull();

    // Two accounts with the name → conflict, no link.
    const twins = body.conflicts.find((c) => c.memberId === s.twoNames.member.id);
    expect(twins?.candidates).toEqual([
      { accountId: s.twoNames.a, username: "twin-a" },
      { accountId: s.twoNames.b, username: "twin-b" },
    ]);
    expect((await memberRow(s.twoNames.member.id))?.accountId).toBeNull();

    // The userid and the name point at different accounts → conflict, no link.
    const split = body.conflicts.find((c) => c.memberId === s.useridVsName.member.id);
    expect(split?.candidates.map((c) => c.accountId).sort((a, b) => a - b)).toEqual(
      [s.useridVsName.byUserid, s.useridVsName.byName].sort((a, b) => a - b),
    );
    expect((await memberRow(s.useridVsName.member.id))?.accountId).toBeNull();
    expect(body.suggested.map((x) => x.memberId)).not.toContain(s.useridVsName.member.id);
  });

  it("audits every link with before/after and the admin who ran it", async () => {
    const audits = await linkAudits();
    const linked = audits.filter((a) => a.action === "member.linked");
    expect(linked.map((a) => a.subjectId)).toEqual([String(s.merged.member.id)]);
    expect(linked[0]).toMatchObject({
      initiator: "admin",
      actor: "operator",
      before: { accountId: null },
      after: { accountId: s.merged.accountId, by: "userid", verified: false },
    });
  });

  it("merges the account's non-WeCom row into the WeCom row, keeping the account and its standing", async () => {
    const row = await memberRow(s.merged.member.id);
    expect(row).toMatchObject({ accountId: s.merged.accountId, role: "admin", status: "active" });
    expect(await memberRow(s.merged.rowId)).toBeUndefined();
    expect(
      await opened.db
        .select()
        .from(members)
        .where(and(eq(members.teamId, acme), eq(members.accountId, s.merged.accountId))),
    ).toHaveLength(1);
    expect(await opened.db.select().from(accounts).where(eq(accounts.id, s.merged.accountId))).toHaveLength(1);
    const merged = (await linkAudits()).find((a) => a.action === "member.merged");
    expect(merged).toMatchObject({
      subjectId: String(s.merged.rowId),
      before: { accountId: s.merged.accountId, role: "admin", status: "active" },
      after: { mergedInto: s.merged.member.id },
    });
    // The account still administers the team, now through its WeCom row.
    const jar = await api.login(s.merged.member.wecomUserId!, PASSWORD);
    expect(await (await api.asBrowser(jar, "GET", "/api/teams/acme/access")).json()).toEqual({ role: "admin" });
  });

  it("is idempotent: a second run links nothing new and audits nothing", async () => {
    const before = { linked: await linkedCount(), audits: (await linkAudits()).length };
    const body = (await (await match()).json()) as MatchBody;
    expect(body.linked).toEqual([]);
    expect(body.suggested.map((x) => x.memberId)).toContain(s.byName.member.id);
    expect(body.conflicts.map((x) => x.memberId)).toEqual(expect.arrayContaining([s.twoNames.member.id, s.useridVsName.member.id]));
    expect(await linkedCount()).toBe(before.linked);
    expect((await linkAudits()).length).toBe(before.audits);
  });

  it("answers 422 for a bad dryRun, 404 for an unknown team", async () => {
    expect((await match({ dryRun: "yes" })).status).toBe(422);
    expect((await api.json("POST", "/api/teams/no-such/match", {})).status).toBe(404);
  });
});

describe("POST /api/teams/:slug/match/confirm", () => {
  it("links a confirmed suggestion and rejects stale or invalid pairs", async () => {
    // The stale suggestion's account changes name before the admin confirms.
    await opened.db.update(accounts).set({ name: "Renamed" }).where(eq(accounts.id, s.stale.accountId));
    const res = await api.json("POST", "/api/teams/acme/match/confirm", {
      pairs: [
        { memberId: s.byName.member.id, accountId: s.byName.accountId },
        { memberId: s.byUserid.member.id, accountId: s.byUserid.accountId },
        { memberId: s.stale.member.id, accountId: s.stale.accountId },
        { memberId: s.byUserid.member.id, accountId: s.twoNames.a },
        { memberId: s.twoNames.member.id, accountId: s.byUserid.accountId },
        { memberId: 999_999, accountId: s.twoNames.a },
      ],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as ConfirmBody;
    expect(body.linked).toEqual([
      { memberId: s.byName.member.id, accountId: s.byName.accountId, by: "name" },
      { memberId: s.byUserid.member.id, accountId: s.byUserid.accountId, by: "userid" },
    ]);
    expect(body.rejected).toEqual([
      { memberId: s.stale.member.id, accountId: s.stale.accountId, reason: "no_longer_matches" },
      { memberId: s.byUserid.member.id, accountId: s.twoNames.a, reason: "duplicate" },
      { memberId: s.twoNames.member.id, accountId: s.byUserid.accountId, reason: "account_already_linked" },
      { memberId: 999_999, accountId: s.twoNames.a, reason: "member_not_found" },
    ]);
    expect(await memberRow(s.byName.member.id)).toMatchObject({ accountId: s.byName.accountId, status: s.byName.member.status });
    expect((await memberRow(s.stale.member.id))?.accountId).toBeNull();
    const audit = (await linkAudits()).filter((a) => a.subjectId === String(s.byName.member.id));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "member.linked", initiator: "admin", after: { accountId: s.byName.accountId, by: "name" } });

    // Confirmed again: now stale, nothing changes.
    const again = (await (
      await api.json("POST", "/api/teams/acme/match/confirm", { pairs: [{ memberId: s.byName.member.id, accountId: s.byName.accountId }] })
    ).json()) as ConfirmBody;
    expect(again).toEqual({
      linked: [],
      rejected: [{ memberId: s.byName.member.id, accountId: s.byName.accountId, reason: "member_already_linked" }],
    });
  });

  it("links a confirmed email suggestion, audited as by email", async () => {
    const body = (await (
      await api.json("POST", "/api/teams/acme/match/confirm", {
        pairs: [{ memberId: s.byEmail.member.id, accountId: s.byEmail.accountId }],
      })
    ).json()) as ConfirmBody;
    expect(body.linked).toEqual([{ memberId: s.byEmail.member.id, accountId: s.byEmail.accountId, by: "email" }]);
    const audit = (await linkAudits()).filter((a) => a.subjectId === String(s.byEmail.member.id));
    expect(audit[0]).toMatchObject({ action: "member.linked", after: { accountId: s.byEmail.accountId, by: "email" } });
  });

  it("resolves a conflict with one of its candidates", async () => {
    const body = (await (
      await api.json("POST", "/api/teams/acme/match/confirm", { pairs: [{ memberId: s.twoNames.member.id, accountId: s.twoNames.b }] })
    ).json()) as ConfirmBody;
    expect(body.linked).toEqual([{ memberId: s.twoNames.member.id, accountId: s.twoNames.b, by: "name" }]);
  });

  it("answers 422 for a malformed body", async () => {
    for (const bad of [{}, { pairs: [] }, { pairs: "x" }, { pairs: [{ memberId: "1", accountId: 2 }] }, [1, 2]]) {
      const res = await api.json("POST", "/api/teams/acme/match/confirm", bad);
      expect(res.status).toBe(422);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("validation_failed");
    }
  });
});

describe("access to match", () => {
  it("lets a team admin's session match; refuses a plain member (403) and nobody (401)", async () => {
    const adminJar = await api.login("team-admin", PASSWORD);
    expect((await api.asBrowser(adminJar, "POST", "/api/teams/acme/match", { dryRun: true })).status).toBe(200);

    const plain = await register("plain-member", "Plain Member");
    expect((await api.json("POST", "/api/teams/acme/members", { accountId: plain.id })).status).toBe(201);
    const jar = await api.login("plain-member", PASSWORD);
    for (const [path, body] of [
      ["/api/teams/acme/match", {}],
      ["/api/teams/acme/match/confirm", { pairs: [{ memberId: s.stale.member.id, accountId: plain.id }] }],
    ] as const) {
      const refused = await api.asBrowser(jar, "POST", path, body);
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("forbidden");
      expect((await api.json("POST", path, body, {})).status).toBe(401);
    }
    expect((await memberRow(s.stale.member.id))?.accountId).toBeNull();
  });
});

describe("linkMember", () => {
  it("writes nothing when the member changed since it was read (e.g. locked by a sync)", async () => {
    const m = take();
    const acct = await register("guard-account", "Guard");
    const [account] = await opened.db.select().from(accounts).where(eq(accounts.id, acct.id));
    await opened.db.update(members).set({ status: "locked", statusBefore: m.status }).where(eq(members.id, m.id));
    const done = await linkMember(
      opened.db,
      { teamId: acme, now: deps.clock.now(), caller: { kind: "operator" } },
      { member: m, account: account!, by: "userid", nonWecomRow: undefined },
    );
    expect(done).toBe(false);
    expect(await memberRow(m.id)).toMatchObject({ accountId: null, status: "locked" });
    expect((await linkAudits()).filter((a) => a.subjectId === String(m.id))).toEqual([]);
  });
});
