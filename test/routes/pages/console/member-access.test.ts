import { and, asc, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, members } from "../../../../src/db/schema";
import { csrfOf, type CookieJar } from "../../../services/accounts/helpers";
import { consoleWorld, pageHtml, person, postForm, submit, textOf, type ConsoleWorld } from "./helpers";

let w: ConsoleWorld;
let admin: { jar: CookieJar; accountId: number };
let plain: { jar: CookieJar; accountId: number };

beforeAll(async () => {
  w = await consoleWorld();
  admin = await person(w.api, w.db, w.slug, "admin1", { role: "admin" });
  plain = await person(w.api, w.db, w.slug, "plain1", { role: "member" });
}, 180_000);
afterAll(async () => w.close());

const rowOf = async (where: { id?: number; accountId?: number }) =>
  (
    await w.db
      .select()
      .from(members)
      .where(where.id !== undefined ? eq(members.id, where.id) : eq(members.accountId, where.accountId!))
  )[0]!;
/** WeCom members nobody has touched yet (no account, no role), oldest first. */
const imported = async () =>
  w.db
    .select()
    .from(members)
    .where(and(eq(members.status, "imported"), isNull(members.accountId), isNull(members.role)))
    .orderBy(asc(members.id));
const auditOf = async (memberId: number, action: string) =>
  w.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.subjectId, String(memberId)), eq(auditLog.action, action)));
const page = (id: number) => `/teams/acme/members/${id}`;
/** Posts to a member's lock or role action with the CSRF token of their page, as this browser. */
const act = (jar: CookieJar, id: number, verb: "lock" | "role", fields: Record<string, string> = {}) =>
  submit(w.api, jar, page(id), fields, `${page(id)}/${verb}`);

describe("locking a member", () => {
  it("asks first, saying what a lock does, and changes nothing until confirmed", async () => {
    const [m] = await imported();
    const asked = await act(w.owner, m!.id, "lock");
    expect(asked.status).toBe(200);
    const html = await asked.text();
    expect(textOf(html)).toContain(`锁定 ${m!.name}？`);
    expect(textOf(html)).toContain("解锁后恢复为「已导入」");
    expect(html).toContain('name="confirmed" value="1"');
    expect(html).toContain(`action="${page(m!.id)}/lock"`);
    expect(html).toContain(`href="${page(m!.id)}" id="cancel-change"`);
    expect((await rowOf({ id: m!.id })).status).toBe("imported");
    expect(await auditOf(m!.id, "member.locked")).toEqual([]);

    const done = await postForm(w.api, w.owner, `${page(m!.id)}/lock`, [
      ["_csrf", csrfOf(html)],
      ["confirmed", "1"],
    ]);
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe(`${page(m!.id)}?ok=locked`);
    const row = await rowOf({ id: m!.id });
    expect([row.status, row.statusBefore]).toEqual(["locked", "imported"]);
    const [entry] = await auditOf(m!.id, "member.locked");
    expect(entry).toMatchObject({
      initiator: "admin",
      actor: `account:${w.ownerId}`,
      before: { status: "imported" },
      after: { status: "locked" },
    });
    const after = await pageHtml(w.api, w.owner, `${page(m!.id)}?ok=locked`);
    expect(textOf(after)).toContain("成员已锁定");
    expect(after).toContain(`action="${page(m!.id)}/unlock"`);
    expect(after).not.toContain('id="lock-member"');
  });

  it("cuts a locked admin off at once, the session they hold included, and the owner's unlock gives it back", async () => {
    const row = await rowOf({ accountId: admin.accountId });
    expect((await w.api.page(admin.jar, "/teams/acme")).status).toBe(200);
    expect((await act(w.owner, row.id, "lock", { confirmed: "1" })).status).toBe(303);
    const refused = await w.api.page(admin.jar, "/teams/acme");
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("<code>member_locked</code>");
    expect((await submit(w.api, w.owner, page(row.id), {}, `${page(row.id)}/unlock`)).status).toBe(303);
    expect((await rowOf({ id: row.id })).status).toBe("active");
    expect((await w.api.page(admin.jar, "/teams/acme")).status).toBe(200);
  });

  it("lets an admin lock a plain member, but not another admin nor the owner", async () => {
    const [m] = await imported();
    expect((await act(admin.jar, m!.id, "lock", { confirmed: "1" })).status).toBe(303);
    expect((await rowOf({ id: m!.id })).status).toBe("locked");
    const other = await person(w.api, w.db, w.slug, "admin2", { role: "admin" });
    const owner = await rowOf({ accountId: w.ownerId });
    for (const target of [await rowOf({ accountId: other.accountId }), owner]) {
      const res = await postForm(w.api, admin.jar, `${page(target.id)}/lock`, [
        ["_csrf", csrfOf(await pageHtml(w.api, admin.jar, "/teams/acme/members"))],
        ["confirmed", "1"],
      ]);
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("<code>forbidden</code>");
      expect((await rowOf({ id: target.id })).status).toBe("active");
    }
    // The admin's view of a fellow admin offers neither control and says who may.
    const html = await pageHtml(w.api, admin.jar, page((await rowOf({ accountId: other.accountId })).id));
    expect(html).not.toContain('id="lock-member"');
    expect(html).not.toContain('id="role-form"');
    expect(textOf(html)).toContain("只有团队所有者可以更改角色，或锁定管理员。");
  });

  it("refuses what cannot be locked: one already locked, one removed, the owner, an unknown member", async () => {
    const [a, b] = await imported();
    await w.db.update(members).set({ status: "locked", statusBefore: "imported" }).where(eq(members.id, a!.id));
    await w.db
      .update(members)
      .set({ status: "removed", statusBefore: "imported", deprovisionedAt: w.deps.clock.now() })
      .where(eq(members.id, b!.id));
    for (const id of [a!.id, b!.id, (await rowOf({ accountId: w.ownerId })).id]) {
      const res = await act(w.owner, id, "lock");
      expect(res.status, String(id)).toBe(409);
      expect(await res.text()).toContain("<code>conflict</code>");
    }
    for (const path of ["/teams/acme/members/99999999/lock", "/teams/acme/members/abc/lock", "/teams/acme/members/0/lock"]) {
      const res = await postForm(w.api, w.owner, path, [["_csrf", csrfOf(await pageHtml(w.api, w.owner, "/teams/acme/members"))]]);
      expect(res.status, path).toBe(404);
      expect(await res.text()).toContain("<code>not_found</code>");
    }
    expect((await rowOf({ id: b!.id })).status).toBe("removed");
  });
});

describe("changing a member's role", () => {
  it("makes a plain member an admin after a confirmation, and back; each change is audited and takes effect on the next request", async () => {
    const row = await rowOf({ accountId: plain.accountId });
    expect((await w.api.page(plain.jar, "/teams/acme")).status).toBe(403);
    const form = await pageHtml(w.api, w.owner, page(row.id));
    expect(form).toContain('<select id="f-role" name="role" class="wide">');
    const asked = await act(w.owner, row.id, "role", { role: "admin" });
    expect(asked.status).toBe(200);
    const confirm = await asked.text();
    expect(textOf(confirm)).toContain(`将 ${row.name} 的角色改为「管理员」？`);
    expect(confirm).toContain('<input type="hidden" name="role" value="admin"/>');
    expect((await rowOf({ id: row.id })).role).toBe("member");

    const done = await postForm(w.api, w.owner, `${page(row.id)}/role`, [
      ["_csrf", csrfOf(confirm)],
      ["role", "admin"],
      ["confirmed", "1"],
    ]);
    expect(done.headers.get("location")).toBe(`${page(row.id)}?ok=role_saved`);
    expect((await rowOf({ id: row.id })).role).toBe("admin");
    expect((await w.api.page(plain.jar, "/teams/acme")).status).toBe(200);
    expect(await auditOf(row.id, "member.role_changed")).toMatchObject([
      { actor: `account:${w.ownerId}`, before: { role: "member" }, after: { role: "admin" } },
    ]);

    expect((await act(w.owner, row.id, "role", { role: "member", confirmed: "1" })).status).toBe(303);
    expect((await w.api.page(plain.jar, "/teams/acme")).status).toBe(403);
    expect(await auditOf(row.id, "member.role_changed")).toHaveLength(2);
    expect(textOf(await pageHtml(w.api, w.owner, page(row.id)))).toContain("成员角色已更改");
  });

  it("gives a WeCom member without an account the role they will have on joining; the same role again changes nothing", async () => {
    const [m] = await imported();
    const asked = await act(w.owner, m!.id, "role", { role: "admin" });
    expect(textOf(await asked.text())).toContain("该成员尚未关联账号，加入后即为管理员");
    expect((await act(w.owner, m!.id, "role", { role: "admin", confirmed: "1" })).status).toBe(303);
    expect((await rowOf({ id: m!.id })).role).toBe("admin");
    const again = await act(w.owner, m!.id, "role", { role: "admin" });
    expect(again.status).toBe(303);
    expect(await auditOf(m!.id, "member.role_changed")).toHaveLength(1);
  });

  it("refuses a bad role, the owner's own row, a removed member, an unknown one, and one of another team", async () => {
    const [m] = await imported();
    for (const role of ["owner", "bogus", ""]) {
      const res = await act(w.owner, m!.id, "role", { role, confirmed: "1" });
      expect(res.status, role).toBe(422);
      expect(await res.text()).toContain("<code>validation_failed</code>");
    }
    const own = await rowOf({ accountId: w.ownerId });
    expect((await act(w.owner, own.id, "role", { role: "member", confirmed: "1" })).status).toBe(409);
    expect((await rowOf({ id: own.id })).role).toBe("owner");
    const [removed] = await w.db.select().from(members).where(eq(members.status, "removed")).limit(1);
    expect((await act(w.owner, removed!.id, "role", { role: "admin" })).status).toBe(409);
    const token = csrfOf(await pageHtml(w.api, w.owner, "/teams/acme/members"));
    expect(
      (
        await postForm(w.api, w.owner, "/teams/acme/members/99999999/role", [
          ["_csrf", token],
          ["role", "admin"],
        ])
      ).status,
    ).toBe(404);

    expect((await w.api.json("POST", "/api/teams", { slug: "other", name: "Other" })).status).toBe(201);
    const stranger = await person(w.api, w.db, "other", "otherowner", { role: "owner" });
    const theirs = await rowOf({ accountId: stranger.accountId });
    // acme's owner cannot reach other's member through acme's pages, nor other's owner acme's.
    for (const verb of ["role", "lock"] as const) {
      const res = await postForm(w.api, w.owner, `/teams/acme/members/${theirs.id}/${verb}`, [
        ["_csrf", token],
        ["role", "member"],
        ["confirmed", "1"],
      ]);
      expect(res.status, verb).toBe(404);
      const foreign = await postForm(w.api, stranger.jar, `${page(m!.id)}/${verb}`, [
        ["_csrf", csrfOf(await pageHtml(w.api, stranger.jar, "/teams"))],
        ["role", "member"],
        ["confirmed", "1"],
      ]);
      expect(foreign.status, verb).toBe(403);
      expect(await foreign.text()).toContain("<code>not_a_member</code>");
    }
    expect((await rowOf({ id: theirs.id })).role).toBe("owner");
    expect((await rowOf({ id: m!.id })).status).toBe("imported");
  });

  it("is the owner's alone: an admin cannot change a role, and sees no role form", async () => {
    const [m] = await imported();
    const html = await pageHtml(w.api, admin.jar, page(m!.id));
    expect(html).not.toContain('id="role-form"');
    expect(html).toContain('id="lock-member"');
    const res = await act(admin.jar, m!.id, "role", { role: "admin", confirmed: "1" });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("<code>forbidden</code>");
    const self = await rowOf({ accountId: admin.accountId });
    expect((await act(admin.jar, self.id, "role", { role: "member", confirmed: "1" })).status).toBe(403);
    expect((await rowOf({ id: self.id })).role).toBe("admin");
    expect(await auditOf(m!.id, "member.role_changed")).toEqual([]);
  });

  it("refuses both forms without the CSRF token or with a forged one, changing nothing", async () => {
    const [m] = await imported();
    for (const fields of [[], [["_csrf", "forged"]]] as [string, string][][]) {
      for (const verb of ["lock", "role"]) {
        const res = await postForm(w.api, w.owner, `${page(m!.id)}/${verb}`, [...fields, ["role", "admin"], ["confirmed", "1"]]);
        expect(res.status, verb).toBe(403);
        expect(textOf(await res.text())).toContain("csrf_failed");
      }
    }
    const row = await rowOf({ id: m!.id });
    expect([row.status, row.role]).toEqual(["imported", null]);
  });
});
