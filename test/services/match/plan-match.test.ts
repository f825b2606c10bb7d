import { describe, expect, it } from "vitest";
import type { AccountRow } from "../../../src/db/queries/accounts";
import type { MemberRow } from "../../../src/db/queries/directory";
import { mergeStanding } from "../../../src/services/match/link-member";
import { planMatch, type PlanInput } from "../../../src/services/match/plan-match";

const at = new Date(Date.UTC(2026, 10, 25));
let nextId = 1;

function member(userid: string | null, name: string, over: Partial<MemberRow> = {}): MemberRow {
  return {
    id: nextId++,
    teamId: 1,
    wecomUserId: userid,
    wecomUserKey: userid?.toLowerCase() ?? null,
    name,
    departmentIds: [],
    mainDepartmentId: null,
    position: null,
    wecomStatus: 1,
    email: null,
    contentHash: null,
    status: "imported",
    role: null,
    accountId: null,
    wecomVerifiedAt: null,
    statusBefore: null,
    deprovisionedAt: null,
    observedAt: null,
    createdAt: at,
    updatedAt: at,
    ...over,
  };
}

function account(username: string, name: string, email: string | null = null): AccountRow {
  return { id: nextId++, username, usernameKey: username.toLowerCase(), name, email, passwordHash: "x", createdAt: at, updatedAt: at };
}

/** By default every account is already a member of the team (the case where userid = username links). */
function input(members: MemberRow[], accounts: AccountRow[], taken: number[] = [], over: Partial<PlanInput> = {}): PlanInput {
  const byUsernameKey = new Map(accounts.map((a) => [a.usernameKey, a]));
  const byName = new Map<string, AccountRow[]>();
  for (const a of accounts) byName.set(a.name, [...(byName.get(a.name) ?? []), a]);
  const byEmail = new Map<string, AccountRow[]>();
  for (const a of accounts) if (a.email) byEmail.set(a.email, [...(byEmail.get(a.email) ?? []), a]);
  return {
    members,
    byUsernameKey,
    byName,
    byEmail,
    verified: new Map(),
    inTeam: new Set(accounts.map((a) => a.id)),
    taken: new Set(taken),
    ...over,
  };
}

describe("planMatch", () => {
  it("suggests (never links) the one account whose email equals the member's WeCom email, compared ignoring case", () => {
    const m = member("wangwu", "王五", { email: "Wang.Wu@Corp.example" });
    const a = account("ww-personal", "Someone", "wang.wu@corp.example");
    expect(planMatch(input([m], [a]))).toMatchObject({
      links: [],
      suggested: [{ member: { id: m.id }, account: { id: a.id }, by: "email" }],
      conflicts: [],
    });
  });

  it("makes an email and a name that point at different accounts a conflict", () => {
    const m = member("zhaoliu", "赵六", { email: "zl@corp.example" });
    const byEmail = account("zl-mail", "Other", "zl@corp.example");
    const byName = account("zl-name", "赵六");
    expect(planMatch(input([m], [byEmail, byName]))).toMatchObject({
      links: [],
      suggested: [],
      conflicts: [{ member: { id: m.id }, candidates: [{ id: byEmail.id }, { id: byName.id }] }],
    });
  });

  it("keeps a userid link only when the email points at no other account", () => {
    const m = member("sunqi", "孙七", { email: "sq@corp.example" });
    const own = account("SunQi", "孙七", "sq@corp.example");
    expect(planMatch(input([m], [own])).links).toHaveLength(1);
    const m2 = member("zhouba", "周八", { email: "zb@corp.example" });
    const own2 = account("zhouba", "周八");
    const squatter = account("squatter", "Squatter", "zb@corp.example");
    expect(planMatch(input([m2], [own2, squatter]))).toMatchObject({
      links: [],
      conflicts: [{ candidates: [{ id: own2.id }, { id: squatter.id }] }],
    });
  });

  it("links a unique userid key, even when the account's own name is the member's", () => {
    const m = member("ZhangSan", "张三");
    const a = account("zhangsan", "张三");
    expect(planMatch(input([m], [a]))).toMatchObject({
      links: [{ member: { id: m.id }, account: { id: a.id }, by: "userid" }],
      suggested: [],
      conflicts: [],
    });
  });

  it("makes one account named by two members a conflict for both, not a suggestion", () => {
    const m1 = member("a1", "李四");
    const m2 = member("a2", "李四");
    const a = account("lisi", "李四");
    const plan = planMatch(input([m1, m2], [a]));
    expect(plan.suggested).toEqual([]);
    expect(plan.conflicts.map((c) => [c.member.id, c.candidates.map((x) => x.id)])).toEqual([
      [m1.id, [a.id]],
      [m2.id, [a.id]],
    ]);
  });

  it("never suggests an account another member links by key, or one already linked in the team", () => {
    const linker = member("wangwu", "王五");
    const namesake = member("other", "王五-copy");
    const a = account("wangwu", "王五-copy");
    const taken = account("taken", "赵六");
    const plan = planMatch(input([linker, namesake, member("z", "赵六")], [a, taken], [taken.id]));
    expect(plan.links.map((l) => l.account.id)).toEqual([a.id]);
    expect(plan.suggested).toEqual([]);
    expect(plan.conflicts).toEqual([]);
  });

  it("treats a userid key plus another account of the same name as a conflict", () => {
    const m = member("chen", "陈七");
    const byKey = account("chen", "陈七");
    const other = account("chen2", "陈七");
    const plan = planMatch(input([m], [byKey, other]));
    expect(plan.links).toEqual([]);
    expect(plan.conflicts[0]?.candidates.map((c) => c.id)).toEqual([byKey.id, other.id]);
  });
});

describe("planMatch: only what WeCom vouches for, or the team already trusts, links", () => {
  it("suggests (never links) a stranger's account whose username is the userid, in any case", () => {
    for (const username of ["caogang", "CaoGang", "CAOGANG"]) {
      const m = member("caogang", "曹刚");
      const stranger = account(username, "Whoever");
      expect(planMatch(input([m], [stranger], [], { inTeam: new Set() }))).toMatchObject({
        links: [],
        suggested: [{ member: { id: m.id }, account: { id: stranger.id }, by: "userid" }],
        conflicts: [],
      });
    }
  });

  it("links userid = username only for an account already in the team", () => {
    const m = member("Dave", "Dave W");
    const dave = account("dave", "Dave");
    expect(planMatch(input([m], [dave]))).toMatchObject({ links: [{ account: { id: dave.id }, by: "userid" }] });
    expect(planMatch(input([m], [dave], [], { inTeam: new Set() })).links).toEqual([]);
  });

  it("links an account WeCom vouched for as that userid, whatever its username", () => {
    const m = member("liming", "李明");
    const a = account("ming-personal", "Someone");
    expect(planMatch(input([m], [a], [], { inTeam: new Set(), verified: new Map([["liming", [a]]]) }))).toMatchObject({
      links: [{ account: { id: a.id }, by: "wecom" }],
      suggested: [],
      conflicts: [],
    });
  });

  it("makes a vouched account and a stranger holding the userid as username a conflict", () => {
    const m = member("liming", "李明");
    const vouched = account("ming-personal", "Someone");
    const squatter = account("LiMing", "Squatter");
    const plan = planMatch(input([m], [vouched, squatter], [], { inTeam: new Set(), verified: new Map([["liming", [vouched]]]) }));
    expect(plan.links).toEqual([]);
    expect(plan.conflicts[0]?.candidates.map((c) => c.id)).toEqual([vouched.id, squatter.id]);
  });
});

describe("mergeStanding", () => {
  it("carries the non-WeCom row's active standing and higher role", () => {
    expect(mergeStanding(member("a", "A"), member(null, "A", { status: "active", role: "admin" }))).toEqual({
      status: "active",
      statusBefore: null,
      role: "admin",
    });
  });

  it("keeps a lock from WeCom, returning to active when it is lifted", () => {
    expect(
      mergeStanding(
        member("a", "A", { status: "locked", statusBefore: "imported" }),
        member(null, "A", { status: "active", role: "member" }),
      ),
    ).toEqual({ status: "locked", statusBefore: "active", role: "member" });
  });

  it("carries nothing from a removed row", () => {
    expect(mergeStanding(member("a", "A", { role: "member" }), member(null, "A", { status: "removed", role: "owner" }))).toEqual({
      status: "imported",
      statusBefore: null,
      role: "member",
    });
  });
});
