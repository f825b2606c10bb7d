import { and, asc, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { departments, invitations, members } from "../../../../src/db/schema";
import { insertMembers } from "../../../../src/db/queries/directory";
import { MEMBER_COUNT_CAP } from "../../../../src/routes/pages/console/directory";
import { control } from "../../../helpers/emulator";
import { csrfOf } from "../../../services/accounts/helpers";
import { consoleWorld, pageHtml, person, postForm, submit, textOf, type ConsoleWorld } from "./helpers";

let w: ConsoleWorld;

beforeAll(async () => {
  w = await consoleWorld({ org: { departments: 10, users: 120, seed: 7 } });
  await control(w.deps, "DELETE", "/_emulator/messages");
});
afterAll(async () => w.close());

const wecomMembers = async () => w.db.select().from(members).where(eq(members.status, "imported")).orderBy(asc(members.id));
const memberById = async (id: number) => (await w.db.select().from(members).where(eq(members.id, id)))[0]!;
const rowIds = (html: string) => [...html.matchAll(/<tr id="member-(\d+)"/g)].map((m) => Number(m[1]));

describe("members table", () => {
  it("pages by keyset 50 at a time with the total, and the next page starts after the last row", async () => {
    const first = await pageHtml(w.api, w.owner, "/teams/acme/members");
    const ids = rowIds(first);
    expect(ids).toHaveLength(50);
    expect(textOf(first)).toMatch(/共 12\d 名成员符合条件/);
    const next = /id="next-page"|href="(\/teams\/acme\/members\?cursor=\d+)"/.exec(first);
    expect(next).not.toBeNull();
    const href = /href="(\/teams\/acme\/members\?cursor=(\d+))"[^>]*id="next-page"/.exec(first)!;
    expect(Number(href[2])).toBe(ids[49]);
    const second = rowIds(await pageHtml(w.api, w.owner, href[1]!));
    expect(second).toHaveLength(50);
    expect(Math.min(...second)).toBeGreaterThan(ids[49]!);
  });

  it("filters by search, status and department on the server, keeping the filters in the pager", async () => {
    const [m] = await wecomMembers();
    const byName = await pageHtml(w.api, w.owner, `/teams/acme/members?q=${encodeURIComponent(m!.wecomUserId!)}`);
    expect(rowIds(byName)).toContain(m!.id);
    expect(byName).toContain(`value="${m!.wecomUserId}"`);

    const none = await pageHtml(w.api, w.owner, "/teams/acme/members?status=locked");
    expect(rowIds(none)).toEqual([]);
    expect(textOf(none)).toContain("没有符合条件的成员");

    const [dept] = await w.db.select().from(departments).where(eq(departments.id, m!.departmentIds[0]!));
    const inDept = await pageHtml(w.api, w.owner, `/teams/acme/members?department=${dept!.id}`);
    const shown = rowIds(inDept);
    expect(shown.length).toBeGreaterThan(0);
    for (const id of shown) expect((await memberById(id)).departmentIds).toContain(dept!.id);
    expect(inDept).toContain('id="authorize-filtered-department"');
    expect(inDept).toContain(`<option value="${dept!.id}" selected="">`);
  });

  it("answers bad filters with the form and the problem, not a crash", async () => {
    const res = await w.api.page(w.owner, "/teams/acme/members?status=bogus");
    expect(res.status).toBe(422);
    expect(textOf(await res.text())).toContain("status");
  });
});

describe("acting on members", () => {
  it("authorizes the selected members: they are invited, the page says how many", async () => {
    const [a, b] = await wecomMembers();
    const page = "/teams/acme/members?status=imported";
    const token = csrfOf(await pageHtml(w.api, w.owner, page));
    const res = await postForm(w.api, w.owner, "/teams/acme/members/authorize", [
      ["_csrf", token],
      ["from", "list:status=imported&evil=1"],
      ["scope", "selected"],
      ["user", a!.wecomUserId!],
      ["user", b!.wecomUserId!],
    ]);
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    expect(location).toBe(
      "/teams/acme/members?status=imported&ok=authorized&authorized=0&invited=2&alreadyActive=0&alreadyInvited=0&skipped=0&invalid=0",
    );
    const html = await pageHtml(w.api, w.owner, "/teams/acme/members?status=invited&ok=authorized&invited=2");
    expect(rowIds(html).sort()).toEqual([a!.id, b!.id].sort());
    expect(textOf(html)).toMatch(/已邀请\s*：\s*2/);
    expect((await memberById(a!.id)).status).toBe("invited");
  });

  it("sends an authorize with nothing selected back to the same list, with what to do", async () => {
    const res = await submit(
      w.api,
      w.owner,
      "/teams/acme/members?status=imported",
      { scope: "selected", from: "list:status=imported" },
      "/teams/acme/members/authorize",
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/teams/acme/members?status=imported&ok=none_selected");
    expect(textOf(await pageHtml(w.api, w.owner, res.headers.get("location")!))).toContain("没有选择成员");
  });

  it("authorizes a whole department from the departments page", async () => {
    const html = await pageHtml(w.api, w.owner, "/teams/acme/departments");
    expect(textOf(html)).toContain("在企业微信中管理");
    expect(html).toContain('id="refresh"');
    // The tree nests each department inside its parent's item, read-only (links filter the members).
    const all = await w.db.select().from(departments);
    expect([...html.matchAll(/<li id="dept-(\d+)">/g)]).toHaveLength(all.length);
    for (const d of all.filter((x) => x.parentId !== 0)) {
      const parent = html.indexOf(`<li id="dept-${d.parentId}">`);
      const child = html.indexOf(`<li id="dept-${d.id}">`);
      expect(parent).toBeGreaterThanOrEqual(0);
      expect(child).toBeGreaterThan(parent);
    }
    expect(html).toContain(`href="/teams/acme/members?department=${all[0]!.id}"`);
    const [leaf] = await w.db
      .select()
      .from(departments)
      .where(and(eq(departments.parentId, 1)))
      .limit(1);
    // The department and everything below it.
    const subtree = new Set([leaf!.id]);
    for (let grew = true; grew;) {
      grew = false;
      for (const d of all) if (subtree.has(d.parentId) && !subtree.has(d.id)) grew = subtree.add(d.id).size > 0;
    }
    const importedIn = async () =>
      (await w.db.select().from(members).orderBy(asc(members.id))).filter(
        (m) =>
          ["imported", "invited", "deauthorized"].includes(m.status) && !m.deprovisionedAt && m.departmentIds.some((d) => subtree.has(d)),
      );
    const waiting = await importedIn();
    expect(waiting.length).toBeGreaterThan(0);
    const invitationsBefore = (await w.db.select().from(invitations)).length;

    // The first post only asks: how many and who, and nothing is sent.
    const asked = await submit(
      w.api,
      w.owner,
      "/teams/acme/departments",
      { scope: "department", department: String(leaf!.id), from: "departments" },
      "/teams/acme/members/authorize",
    );
    expect(asked.status).toBe(200);
    const confirm = await asked.text();
    expect(textOf(confirm)).toContain(`将对 ${waiting.length} 人授权`);
    expect(textOf(confirm)).toContain(leaf!.name);
    expect(textOf(confirm)).toContain(`${waiting[0]!.name} (${waiting[0]!.wecomUserId})`);
    expect(confirm).toContain('href="/teams/acme/departments" id="cancel-authorize"');
    expect(confirm).toContain('name="confirmed" value="1"');
    expect((await w.db.select().from(invitations)).length).toBe(invitationsBefore);
    expect(await importedIn()).toHaveLength(waiting.length);

    // Confirming sends, with the same CSRF rule as every form.
    const refused = await postForm(w.api, w.owner, "/teams/acme/members/authorize", [
      ["scope", "department"],
      ["department", String(leaf!.id)],
      ["confirmed", "1"],
    ]);
    expect(refused.status).toBe(403);
    const res = await postForm(w.api, w.owner, "/teams/acme/members/authorize", [
      ["_csrf", csrfOf(confirm)],
      ["scope", "department"],
      ["department", String(leaf!.id)],
      ["from", "departments"],
      ["confirmed", "1"],
    ]);
    expect(res.status).toBe(303);
    const done = new URL(res.headers.get("location")!, "https://x.example").searchParams;
    expect(Number(done.get("invited")) + Number(done.get("alreadyInvited"))).toBe(waiting.length);
    expect(res.headers.get("location")).toMatch(/ok=authorized.*invited=[1-9]/);
    const inDept = await pageHtml(w.api, w.owner, `/teams/acme/members?department=${leaf!.id}`);
    expect(rowIds(inDept).length).toBeGreaterThan(0);
    expect(inDept).not.toContain('class="st st-imported"');
  });

  it("re-sends an invitation (once a minute), unlocks and restores, returning to where the admin was", async () => {
    const [invited] = await w.db.select().from(members).where(eq(members.status, "invited")).limit(1);
    w.deps.clock.advance(61_000);
    const resent = await submit(
      w.api,
      w.owner,
      `/teams/acme/members/${invited!.id}`,
      { from: `member:${invited!.id}` },
      `/teams/acme/members/${invited!.id}/invitation`,
    );
    expect(resent.status).toBe(303);
    expect(resent.headers.get("location")).toBe(`/teams/acme/members/${invited!.id}?ok=resent`);
    const tooSoon = await submit(w.api, w.owner, `/teams/acme/members/${invited!.id}`, {}, `/teams/acme/members/${invited!.id}/invitation`);
    expect(tooSoon.status).toBe(429);

    const [x, y] = await wecomMembers();
    await w.db.update(members).set({ status: "locked", statusBefore: "imported" }).where(eq(members.id, x!.id));
    await w.db
      .update(members)
      .set({ status: "removed", statusBefore: "imported", deprovisionedAt: w.deps.clock.now() })
      .where(eq(members.id, y!.id));
    const locked = await pageHtml(w.api, w.owner, "/teams/acme/members?status=locked");
    expect(locked).toContain(`action="/teams/acme/members/${x!.id}/unlock"`);
    const unlocked = await submit(
      w.api,
      w.owner,
      "/teams/acme/members?status=locked",
      { from: "list:status=locked" },
      `/teams/acme/members/${x!.id}/unlock`,
    );
    expect(unlocked.headers.get("location")).toBe("/teams/acme/members?status=locked&ok=unlocked");
    expect((await memberById(x!.id)).status).toBe("imported");
    const restored = await submit(w.api, w.owner, "/teams/acme/members?status=removed", {}, `/teams/acme/members/${y!.id}/restore`);
    expect(restored.status).toBe(303);
    expect((await memberById(y!.id)).status).toBe("imported");

    const twice = await submit(w.api, w.owner, "/teams/acme/members", {}, `/teams/acme/members/${x!.id}/unlock`);
    expect(twice.status).toBe(409);
  });
});

describe("a member's page", () => {
  it("shows the member, their departments and their history from the audit log", async () => {
    const [m] = await w.db.select().from(members).where(eq(members.status, "invited")).orderBy(asc(members.id)).limit(1);
    const html = await pageHtml(w.api, w.owner, `/teams/acme/members/${m!.id}`);
    const text = textOf(html);
    expect(text).toContain(m!.name);
    expect(text).toContain(m!.wecomUserId!);
    expect(html).toContain('id="member-status"><span class="st st-invited">');
    expect(text).toContain("新成员（来自企业微信）");
    expect(text).toContain("已发送邀请");
    // Who acted, by name and username, not by row id.
    expect(text).toContain("owner1 名 (owner1)");
    expect(text).not.toContain(`account:${w.ownerId}`);
    expect(html).not.toContain('id="member-role"');
  });

  it("shows a member's team role, read by id alone (not by paging the list)", async () => {
    const [own] = await w.db.select().from(members).where(eq(members.accountId, w.ownerId));
    const html = await pageHtml(w.api, w.owner, `/teams/acme/members/${own!.id}`);
    expect(textOf(html)).toContain("团队角色");
    expect(html).toMatch(/id="member-role">所有者/);
    expect(textOf(html)).toContain("owner1 名");
  });

  it("answers an unknown member, or one of another team, with a 404 page", async () => {
    expect((await w.api.json("POST", "/api/teams", { slug: "other", name: "Other" })).status).toBe(201);
    const { accountId } = await person(w.api, w.db, "other", "otherowner", { role: "owner" });
    const [theirs] = await w.db.select().from(members).where(eq(members.accountId, accountId));
    for (const path of [
      "/teams/acme/members/99999999",
      "/teams/acme/members/0",
      "/teams/acme/members/abc",
      "/teams/acme/members/1234567890123456",
      `/teams/acme/members/${theirs!.id}`,
    ]) {
      const res = await w.api.page(w.owner, path);
      expect(res.status, path).toBe(404);
      expect(await res.text()).toContain("<code>not_found</code>");
    }
  });
});

describe("a team past the members page's count", () => {
  it("says 'more than 10,000' instead of counting every member, while the API and a narrower filter count exactly", async () => {
    const [sample] = await wecomMembers();
    const teamId = sample!.teamId;
    const now = new Date();
    const extra = Array.from({ length: MEMBER_COUNT_CAP }, (_, i) => ({
      teamId,
      wecomUserKey: `bulk${i}`,
      wecomUserId: `bulk${i}`,
      name: `批量${i}`,
      departmentIds: sample!.departmentIds,
      status: "imported" as const,
      createdAt: now,
      updatedAt: now,
    }));
    for (let i = 0; i < extra.length; i += 1000) await insertMembers(w.db, extra.slice(i, i + 1000));
    try {
      const zh = textOf(await pageHtml(w.api, w.owner, "/teams/acme/members"));
      expect(zh).toContain("超过 10,000 名成员符合条件");
      expect(zh).not.toMatch(/共 \d+ 名成员符合条件/);
      const enPage = await w.api.request("/teams/acme/members", { headers: { ...w.owner.header(), "accept-language": "en" } });
      expect(enPage.status).toBe(200);
      const en = textOf(await enPage.text());
      expect(en).toContain("More than 10,000 members match.");
      // A filter under the cap is counted exactly.
      const few = textOf(await pageHtml(w.api, w.owner, `/teams/acme/members?q=${encodeURIComponent("批量999")}`));
      expect(few).toMatch(/共 11 名成员符合条件/);
      const all = await w.db.$count(members, eq(members.teamId, teamId));
      expect(all).toBeGreaterThan(MEMBER_COUNT_CAP);
      const api = await w.api.json("GET", "/api/teams/acme/members?limit=1");
      expect(api.status).toBe(200);
      const body = (await api.json()) as { total: number };
      expect(body.total).toBe(all);
      expect(body).not.toHaveProperty("totalAtLeast");
    } finally {
      await w.db.delete(members).where(and(eq(members.teamId, teamId), like(members.wecomUserKey, "bulk%")));
    }
  });
});
