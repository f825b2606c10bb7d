import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, members, teamPolicies, teams } from "../../../../src/db/schema";
import { csrfOf, PASSWORD } from "../../../services/accounts/helpers";
import { consoleWorld, pageHtml, postForm, submit, textOf, type ConsoleWorld } from "./helpers";

let w: ConsoleWorld;

beforeAll(async () => {
  w = await consoleWorld();
});
afterAll(async () => w.close());

const imported = async () => w.db.select().from(members).where(eq(members.status, "imported")).orderBy(asc(members.id));
const memberById = async (id: number) => (await w.db.select().from(members).where(eq(members.id, id)))[0]!;

describe("match review", () => {
  it("lists exact matches, suggestions and conflicts, and links each kind as the admin decides", async () => {
    const [exact, suggested, conflicted] = await imported();
    const byUserid = await w.api.register({ username: exact!.wecomUserId!, password: PASSWORD, name: "Someone Else" });
    // userid = username links only for an account the team already has.
    expect((await w.api.json("POST", "/api/teams/acme/members", { accountId: byUserid.id })).status).toBe(201);
    const byName = await w.api.register({ username: "samename1", password: PASSWORD, name: suggested!.name });
    const c1 = await w.api.register({ username: "twin1", password: PASSWORD, name: conflicted!.name });
    await w.api.register({ username: "twin2", password: PASSWORD, name: conflicted!.name });

    const html = await pageHtml(w.api, w.owner, "/teams/acme/match");
    expect(html).toContain(`member #${exact!.id}`);
    expect(html).toContain(`value="${suggested!.id}:${byName.id}"`);
    expect(html).toContain(`id="conflict-${conflicted!.id}"`);
    expect(textOf(html)).toContain("twin2");
    expect(await memberById(exact!.id)).toMatchObject({ accountId: null });

    const linked = await submit(w.api, w.owner, "/teams/acme/match", {});
    expect(linked.status).toBe(303);
    expect(linked.headers.get("location")).toBe("/teams/acme/match?ok=linked&linked=1");
    expect((await memberById(exact!.id)).accountId).toBe(byUserid.id);

    const token = csrfOf(await pageHtml(w.api, w.owner, "/teams/acme/match"));
    const confirmed = await postForm(w.api, w.owner, "/teams/acme/match/confirm", [
      ["_csrf", token],
      ["pair", `${suggested!.id}:${byName.id}`],
      [`conflict-${conflicted!.id}`, `${conflicted!.id}:${c1.id}`],
    ]);
    expect(confirmed.headers.get("location")).toBe("/teams/acme/match?ok=linked&linked=2&refused=0");
    expect((await memberById(suggested!.id)).accountId).toBe(byName.id);
    expect((await memberById(conflicted!.id)).accountId).toBe(c1.id);
    expect(textOf(await pageHtml(w.api, w.owner, "/teams/acme/match?ok=linked&linked=2"))).toMatch(/已关联\s*：\s*2/);
  });

  it("refuses a confirm with nothing chosen", async () => {
    const res = await submit(w.api, w.owner, "/teams/acme/match", { "conflict-1": "" }, "/teams/acme/match/confirm");
    expect(res.status).toBe(422);
  });
});

describe("deletion policy", () => {
  it("explains the three choices with the current one checked, and the breaker's threshold for this team", async () => {
    const html = await pageHtml(w.api, w.owner, "/teams/acme/policy");
    for (const v of ["remove", "lock", "deauthorize"]) expect(html).toContain(`id="policy-${v}"`);
    expect(html).toMatch(/<input [^>]*id="policy-lock" checked=""/);
    for (const s of ["移除", "锁定", "取消授权", "30 天内", "max(3, 活跃成员的 20%)"]) expect(textOf(html)).toContain(s);
    // The owner and the account the match test added are the active members: the limit is the floor, 3.
    expect(textOf(html)).toContain("当前活跃成员 2 名，上限为 3 名");
  });

  it("saves a new choice, audited with the admin's account", async () => {
    const res = await submit(w.api, w.owner, "/teams/acme/policy", { onMemberDeleted: "remove" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/teams/acme/policy?ok=policy_saved");
    const [row] = await w.db.select().from(teamPolicies);
    expect(row?.onMemberDeleted).toBe("remove");
    const html = await pageHtml(w.api, w.owner, "/teams/acme/policy?ok=policy_saved");
    expect(html).toMatch(/<input [^>]*id="policy-remove" checked=""/);
    const [audit] = await w.db.select().from(auditLog).where(eq(auditLog.action, "policy.changed"));
    expect(audit?.actor).toBe(`account:${w.ownerId}`);
  });

  it("refuses a value that is not one of the three", async () => {
    const res = await submit(w.api, w.owner, "/teams/acme/policy", { onMemberDeleted: "delete-everything" });
    expect(res.status).toBe(422);
    expect(textOf(await res.text())).toContain("remove、lock 或 deauthorize");
  });
});

describe("audit log", () => {
  it("shows the newest entries first, filters by action and subject, and pages back in time", async () => {
    const all = await pageHtml(w.api, w.owner, "/teams/acme/audit");
    const actions = [...all.matchAll(/<td data-label="操作" data-action="([^"]+)">/g)].map((m) => m[1]);
    expect(actions).toHaveLength(50);
    expect(actions[0]).toBe("policy.changed");
    const older = /href="(\/teams\/acme\/audit\?before=\d+)" id="older"/.exec(all)?.[1];
    expect(older).toBeDefined();
    const page2 = [...(await pageHtml(w.api, w.owner, older!)).matchAll(/<td data-label="操作" data-action="([^"]+)">/g)].map((m) => m[1]);
    expect(page2.length).toBeGreaterThan(0);

    const linked = await pageHtml(w.api, w.owner, "/teams/acme/audit?action=member.linked");
    const only = [...linked.matchAll(/<td data-label="操作" data-action="([^"]+)">/g)].map((m) => m[1]);
    expect(only).toEqual(["member.linked", "member.linked", "member.linked"]);
    expect(linked).toContain('<option value="member.linked" selected="">');

    const [m] = (await imported()).filter((x) => x.accountId === null);
    const one = await pageHtml(w.api, w.owner, `/teams/acme/audit?subjectType=member&subjectId=${m!.id}`);
    expect([...one.matchAll(/<td data-label="操作" data-action="([^"]+)">/g)].map((x) => x[1])).toEqual(["member.created"]);
    // Words, a name and the fields, not codes and JSON.
    const text = textOf(one);
    expect(text).toContain("新成员（来自企业微信）");
    expect(text).toContain(`${m!.name} (${m!.wecomUserId})`);
    expect(text).not.toContain(`member #${m!.id}`);
    expect(one).toMatch(/<code>name<\/code>: — → [^<]+<\/li>/);
    const en = await (
      await w.api.request("/teams/acme/audit?action=policy.changed", { headers: { ...w.owner.header(), "accept-language": "en" } })
    ).text();
    expect(textOf(en)).toContain("deletion policy changed");
    expect(textOf(en)).toMatch(/onMemberDeleted ?: \w+ → \w+/);
    // The filter offers every action there is.
    for (const action of ["member.joined", "member.unlinked", "member.deprovision_held", "member.rekeyed"])
      expect(one).toContain(`<option value="${action}"`);
  });

  it("names who acted: an account by name and username, a WeCom admin by name, each linked to their member page", async () => {
    const [team] = await w.db.select().from(teams).where(eq(teams.slug, "acme"));
    const [m] = await imported();
    const stranger = await w.api.register({ username: "stranger1", password: PASSWORD, name: "Stranger" });
    const entry = (actor: string, subjectId: string) => ({
      teamId: team!.id,
      at: new Date(),
      initiator: "admin" as const,
      actor,
      action: "member.invited",
      subjectType: "member",
      subjectId,
    });
    await w.db
      .insert(auditLog)
      .values([
        entry(`wecom:${m!.wecomUserId!.toUpperCase()}`, "901"),
        entry(`account:${stranger.id}`, "902"),
        entry("wecom:nobody-here", "903"),
      ]);
    const [ownerRow] = await w.db.select().from(members).where(eq(members.accountId, w.ownerId));

    const policy = await pageHtml(w.api, w.owner, "/teams/acme/audit?action=policy.changed");
    expect(policy).toContain(`<a href="/teams/acme/members/${ownerRow!.id}" class="actor">owner1 名 (owner1)</a>`);
    expect(policy).not.toContain(`account:${w.ownerId}`);
    const byOne = async (id: string) => pageHtml(w.api, w.owner, `/teams/acme/audit?subjectType=member&subjectId=${id}`);
    expect(await byOne("901")).toContain(
      `<a href="/teams/acme/members/${m!.id}" class="actor">${m!.name} (${m!.wecomUserId!.toUpperCase()})</a>`,
    );
    // An account outside the team has no member page here: named, not linked.
    expect(await byOne("902")).toContain('<span class="actor">Stranger (stranger1)</span>');
    expect(await byOne("903")).toContain('<span class="actor">nobody-here</span>');
    const api = (await (
      await w.api.request("/api/teams/acme/audit?subjectType=member&subjectId=901", { headers: w.owner.header() })
    ).json()) as { items: { actorName: unknown }[] };
    expect(api.items[0]!.actorName).toEqual({ kind: "wecom_user", handle: m!.wecomUserId!.toUpperCase(), name: m!.name, memberId: m!.id });
  });

  it("ignores malformed filters instead of failing", async () => {
    const html = await pageHtml(w.api, w.owner, "/teams/acme/audit?subjectId=1%3Bdrop&action=%3Cscript%3E&before=x");
    expect(html).not.toContain("<script>");
    expect(textOf(html)).toContain("离职策略已更改");
  });
});
