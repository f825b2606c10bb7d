import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { members, teams, wecomBindings } from "../../../../src/db/schema";
import { BINDING } from "../../../helpers/api";
import { control } from "../../../helpers/emulator";
import { PASSWORD, type CookieJar } from "../../../services/accounts/helpers";
import { consoleWorld, pageHtml, person, submit, textOf, type ConsoleWorld } from "./helpers";
import { formatTime } from "../../../../src/views/time";

let w: ConsoleWorld;
/** The owner of an unbound team "fresh". */
let freshOwner: CookieJar;

beforeAll(async () => {
  w = await consoleWorld();
  expect((await w.api.json("POST", "/api/teams", { slug: "fresh", name: "Fresh" })).status).toBe(201);
  freshOwner = (await person(w.api, w.db, "fresh", "freshowner", { role: "owner" })).jar;
});
afterAll(async () => w.close());

const bindingRow = async (slug: string) => {
  const [row] = await w.db
    .select({ b: wecomBindings })
    .from(wecomBindings)
    .innerJoin(teams, eq(teams.id, wecomBindings.teamId))
    .where(eq(teams.slug, slug));
  return row?.b ?? null;
};

/** Every visible form control has a label naming it (for=id), as a screen reader needs. */
function expectLabelled(html: string): void {
  const controls = html.match(/<(input|select|textarea)\b[^>]*>/g) ?? [];
  for (const tag of controls) {
    if (/type="(hidden|submit)"/.test(tag)) continue;
    const id = /\bid="([^"]+)"/.exec(tag)?.[1];
    const aria = /\baria-label="[^"]+"/.test(tag);
    expect(aria || (id !== undefined && html.includes(`for="${id}"`)), tag).toBe(true);
  }
}

describe("team switcher", () => {
  const entry = (html: string, slug: string) => new RegExp(`<li data-slug="${slug}">([\\s\\S]*?)</li>`).exec(html)?.[1];

  it("lists the account's teams from the database in a fresh browser, with the team's name, and opens a team by slug", async () => {
    const html = await pageHtml(w.api, await w.api.login("owner1", PASSWORD), "/teams");
    expect(entry(html, "acme")).toContain('<a href="/teams/acme"><strong>Acme 团队</strong></a>');
    expect(textOf(entry(html, "acme")!)).toContain("所有者");
    expect(entry(html, "fresh")).toBeUndefined();
    expect(html).not.toContain('href="/teams/fresh"');
    const go = await w.api.page(w.owner, "/teams?slug=Fresh");
    expect(go.status).toBe(303);
    expect(go.headers.get("location")).toBe("/teams/fresh");
    const bad = await w.api.page(w.owner, "/teams?slug=..%2Fapi");
    expect(bad.status).toBe(422);
    expectLabelled(await bad.text());
  });

  it("shows teams where the account cannot administer as plain entries with its standing, never as console links", async () => {
    const { jar, accountId } = await person(w.api, w.db, "acme", "multi1", { role: "admin" });
    expect((await w.api.json("POST", "/api/teams/fresh/members", { accountId, role: "member" })).status).toBe(201);
    expect((await w.api.json("POST", "/api/teams", { slug: "closed", name: "Closed <团队>" })).status).toBe(201);
    expect((await w.api.json("POST", "/api/teams/closed/members", { accountId, role: "admin" })).status).toBe(201);
    const [closed] = await w.db.select({ id: teams.id }).from(teams).where(eq(teams.slug, "closed"));
    await w.db
      .update(members)
      .set({ status: "locked" })
      .where(and(eq(members.accountId, accountId), eq(members.teamId, closed!.id)));
    const html = await pageHtml(w.api, jar, "/teams");
    expect([...html.matchAll(/<li data-slug="([^"]+)">/g)].map((m) => m[1])).toEqual(["acme", "closed", "fresh"]);
    expect(entry(html, "acme")).toContain('href="/teams/acme"');
    expect(textOf(entry(html, "acme")!)).toContain("管理员");
    expect(entry(html, "fresh")).not.toContain("href=");
    expect(textOf(entry(html, "fresh")!)).toContain("成员");
    expect(entry(html, "closed")).not.toContain("href=");
    expect(entry(html, "closed")).toContain("Closed &lt;团队&gt;");
    expect(textOf(entry(html, "closed")!)).toContain("已锁定");
  });

  it("leaves out removed memberships, says so when the account has no team, and ignores the old remembered-teams cookie", async () => {
    const { jar, accountId } = await person(w.api, w.db, "acme", "gone1", { role: "admin", status: "removed" });
    jar.cookies.set("wr_teams", "acme.fresh");
    const html = await pageHtml(w.api, jar, "/teams");
    expect(html).toContain('id="no-teams"');
    expect(html).not.toContain('href="/teams/acme"');
    expect(html).not.toContain('href="/teams/fresh"');
    expect((await w.db.select().from(members).where(eq(members.accountId, accountId)))[0]?.status).toBe("removed");
  });

  it("shows the team's name in every team page's header and title", async () => {
    for (const path of ["/teams/acme", "/teams/acme/members", "/teams/acme/policy"]) {
      const html = await pageHtml(w.api, w.owner, path);
      expect(html, path).toContain('<strong id="team-name">Acme 团队</strong> <code>acme</code>');
      expect(html, path).toMatch(/<title>[^<]* · Acme 团队<\/title>/);
    }
  });
});

describe("overview", () => {
  it("shows the binding, the last successful sync, callbacks, and that nothing needs attention", async () => {
    const html = await pageHtml(w.api, w.owner, "/teams/acme");
    const text = textOf(html);
    for (const s of ["团队概览", BINDING.corpId, "已绑定", "一切正常", "最近成功同步", "待接受的邀请"]) expect(text).toContain(s);
    // Members by status, from the mirror.
    const rows = await w.db
      .select()
      .from(members)
      .where(eq(members.teamId, (await w.db.select().from(teams).where(eq(teams.slug, "acme")))[0]!.id));
    for (const status of ["imported", "invited", "active", "locked", "deauthorized", "removed"]) {
      const cell = new RegExp(`id="members-${status}">(\\d+)<`).exec(html);
      expect(Number(cell?.[1]), status).toBe(rows.filter((m) => m.status === status).length);
    }
    expect(Number(/id="pending-invitations">(\d+)</.exec(html)?.[1])).toBe(rows.filter((m) => m.status === "invited").length);
    const shown = /最近成功同步: <time datetime="([^"]+)">([^<]+)<\/time>/.exec(html);
    // In the configured zone (Asia/Shanghai by default), named beside the time.
    expect(shown?.[2]).toBe(formatTime(shown![1]!, "Asia/Shanghai"));
    expect(shown?.[2]).toMatch(/^2026-\d\d-\d\d \d\d:\d\d \(Asia\/Shanghai\)$/);
    expect(new Date(shown![1]!).getUTCHours()).toBe((Number(/ (\d\d):/.exec(shown![2]!)![1]) + 16) % 24);
    expect(html).toContain('id="callbacks-dead">0<');
    expect(html).toContain('aria-current="page"');
  });

  it("tells the owner of an unbound team to bind WeCom first", async () => {
    const html = await pageHtml(w.api, freshOwner, "/teams/fresh");
    expect(html).toContain('id="problem-not-bound"');
    expect(html).toContain('href="/teams/fresh/wecom"');
    expect(textOf(html)).toContain("未绑定");
  });

  it("shows a sync WeCom refused with its hint (the IP to trust) and where to fix it", async () => {
    await control(w.deps, "POST", "/_emulator/faults", {
      api: "*",
      errcode: 60020,
      errmsg: "not allow to access from your ip, hint: [x], from ip: 203.0.113.7, more info at https://open.work.weixin.qq.com",
      times: 50,
    });
    const started = await submit(w.api, w.owner, "/teams/acme/sync", {});
    expect(started.status).toBe(303);
    await w.deps.deferred.flush();
    await control(w.deps, "DELETE", "/_emulator/faults");
    const html = await pageHtml(w.api, w.owner, "/teams/acme");
    expect(html).toContain('id="problem-last-sync-failed"');
    expect(textOf(html)).toContain("203.0.113.7");
    expect(textOf(html)).toContain("errcode 60020");
    expect(html).toContain('href="/teams/acme/wecom"');
  });
});

describe("WeCom binding form", () => {
  it("shows the callback URL with a copy button, the setup steps, and a labelled form", async () => {
    const html = await pageHtml(w.api, freshOwner, "/teams/fresh/wecom");
    expect(html).toContain('<code id="callback-url">https://roster.example.com/wecom/fresh/callback</code>');
    expect(html).toContain('data-copy="callback-url"');
    for (const s of ["可见范围", "企业可信IP", "60020", "接收消息"]) expect(textOf(html)).toContain(s);
    for (const f of ["corpId", "agentId", "secret", "token", "encodingAesKey"]) expect(html).toContain(`name="${f}"`);
    expect(html).toContain('pattern="[A-Za-z0-9]{43}"');
    expectLabelled(html);
  });

  it("shows each invalid field inline, keeps what was typed except secrets, and stores nothing", async () => {
    const res = await submit(w.api, freshOwner, "/teams/fresh/wecom", {
      corpId: "ww bad!",
      agentId: "abc",
      secret: "short",
      token: "tok-en!",
      encodingAesKey: "xyz",
      adminUserIds: "zhangsan",
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    for (const f of ["corpId", "agentId", "secret", "token", "encodingAesKey"]) {
      expect(html).toMatch(new RegExp(`name="${f}"[^>]*aria-invalid="true"`));
      expect(html).toContain(`id="f-${f}-error"`);
    }
    expect(html).toContain('value="ww bad!"');
    expect(html).toContain('value="zhangsan"');
    expect(html).not.toContain("short");
    expect(await bindingRow("fresh")).toBeNull();
  });

  it("checks the credentials live: a wrong secret is refused with WeCom's errcode and hint, nothing stored", async () => {
    const res = await submit(w.api, freshOwner, "/teams/fresh/wecom", {
      ...BINDING,
      agentId: String(BINDING.agentId),
      secret: "wrong-secret-0000000000000000",
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('id="refusal-errcode">40001<');
    expect(textOf(html)).toContain("Secret");
    expect(await bindingRow("fresh")).toBeNull();
  });

  it("binds with good credentials and shows the app's visibility; the form shows only masked secrets afterwards", async () => {
    const res = await submit(w.api, freshOwner, "/teams/fresh/wecom", {
      ...BINDING,
      agentId: String(BINDING.agentId),
      scopeDepartmentIds: "",
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('id="bind-result"');
    expect(textOf(html)).toContain("已绑定，凭据校验通过");
    expect(html).not.toContain(BINDING.secret);
    expect(html).not.toContain(BINDING.encodingAesKey);
    const row = await bindingRow("fresh");
    expect(row?.corpId).toBe(BINDING.corpId);
    const again = await pageHtml(w.api, freshOwner, "/teams/fresh/wecom");
    expect(again).toContain("当前绑定");
    expect(again).not.toContain(BINDING.secret);
  });
});

describe("the bot's admins on the binding page", () => {
  it("shows the admins and the import scope, and changes the admins without the secrets", async () => {
    const before = (await bindingRow("acme"))!;
    const page = await pageHtml(w.api, w.owner, "/teams/acme/wecom");
    expect(textOf(page)).toContain("应用可见范围内的全部部门和成员");
    expect(page).toContain('id="admins-form"');
    const res = await submit(w.api, w.owner, "/teams/acme/wecom", { admins: "zhangsan， LiSi、zhangsan" }, "/teams/acme/wecom/admins");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/teams/acme/wecom?ok=admins_saved");
    const row = (await bindingRow("acme"))!;
    expect(row).toMatchObject({
      adminUserIds: ["zhangsan", "LiSi"],
      secretSealed: before.secretSealed,
      tokenSealed: before.tokenSealed,
      version: before.version,
    });
    const after = await pageHtml(w.api, w.owner, "/teams/acme/wecom?ok=admins_saved");
    expect(textOf(after)).toContain("机器人管理员已保存");
    expect(after).toMatch(/<dd id="bot-admins"><code>zhangsan<\/code> · <code>LiSi<\/code><\/dd>/);
    const en = await (await w.api.request("/teams/acme/wecom", { headers: { ...w.owner.header(), "accept-language": "en" } })).text();
    expect(textOf(en)).toContain("Change the bot's admins");
  });

  it("keeps a refused list in the field with the problem beside it, and changes nothing", async () => {
    const res = await submit(w.api, w.owner, "/teams/acme/wecom", { admins: "good, bad id!" }, "/teams/acme/wecom/admins");
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toMatch(/<input id="f-admins" name="admins" type="text" value="good, bad id!"/);
    expect(html).toContain('id="f-admins-error"');
    expect((await bindingRow("acme"))!.adminUserIds).toEqual(["zhangsan", "LiSi"]);
    // The credentials form still posts to the binding, not to the admins.
    expect(html).toContain('action="/teams/acme/wecom" class="card"');
  });

  it("offers no admins form before binding, and refuses a post there with not_bound", async () => {
    await w.api.json("POST", "/api/teams", { slug: "unbound2", name: "Unbound" });
    const owner = (await person(w.api, w.db, "unbound2", "unbound2owner", { role: "owner" })).jar;
    expect(await pageHtml(w.api, owner, "/teams/unbound2/wecom")).not.toContain('id="admins-form"');
    const res = await submit(w.api, owner, "/teams/unbound2/wecom", { admins: "zhangsan" }, "/teams/unbound2/wecom/admins");
    expect(res.status).toBe(409);
    expect(textOf(await res.text())).toContain("未绑定企业微信");
    expect(await bindingRow("unbound2")).toBeNull();
  });
});
