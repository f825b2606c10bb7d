import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { departments, members } from "../../../../src/db/schema";
import { BINDING } from "../../../helpers/api";
import { control } from "../../../helpers/emulator";
import { CookieJar, PASSWORD } from "../../../services/accounts/helpers";
import { consoleWorld, pageHtml, person, textOf, type ConsoleWorld } from "./helpers";

let w: ConsoleWorld;
const ORG = { generate: { departments: 8, users: 40, seed: 1 } };

/** The emulator's app with this visibility range, the org as the world imported it. */
async function range(app: { allowPartys?: number[]; allowUsers?: string[]; allowTags?: number[]; close?: number }): Promise<void> {
  await control(w.deps, "POST", "/_emulator/reset", {
    corpId: BINDING.corpId,
    org: ORG,
    apps: [{ agentId: BINDING.agentId, secret: BINDING.secret, name: "Roster", ...app }],
  });
}

/** The visibility card's HTML, or its failure's. */
const card = (html: string) =>
  /<section class="card[^"]*"[^>]*aria-labelledby="visibility"[^>]*>([\s\S]*?)<\/section>/.exec(html)?.[1] ?? "";

beforeAll(async () => {
  w = await consoleWorld({ org: ORG.generate });
}, 180_000);
afterAll(async () => w.close());

describe("the WeCom page's visibility range", () => {
  it("shows the whole company when the root department is in range", async () => {
    const html = await pageHtml(w.api, w.owner, "/teams/acme/wecom");
    expect(textOf(card(html))).toContain("整个企业（含根部门）");
    expect(html).not.toContain('id="visibility-partial_visibility"');
  });

  it("asks WeCom each time the page opens: departments named from the mirror, single members linked to theirs, tags and warnings", async () => {
    const [d2, d3] = await w.db.select().from(departments).where(eq(departments.parentId, 1)).orderBy(asc(departments.id)).limit(2);
    const [m] = await w.db.select().from(members).orderBy(asc(members.id)).limit(1);
    await range({ allowPartys: [d2!.id, d3!.id, 9999], allowUsers: [m!.wecomUserId!.toUpperCase(), "newcomer"], allowTags: [7] });
    const html = await pageHtml(w.api, w.owner, "/teams/acme/wecom");
    const c = card(html);
    expect(textOf(c)).toContain("应用「Roster」: 3 个部门（含下级）· 2 名单独成员 · 1 个标签");
    expect(c).toContain(`<a href="/teams/acme/members?department=${d2!.id}">${d2!.name}</a>`);
    expect(textOf(c)).toContain("#9999 9999 （尚未导入）");
    expect(c).toContain(`<a href="/teams/acme/members/${m!.id}">${m!.name}</a> <code>${m!.wecomUserId!.toUpperCase()}</code>`);
    expect(textOf(c)).toContain("（尚未导入） newcomer");
    expect(c).toContain('id="visibility-partial_visibility"');
    expect(c).toContain('id="visibility-tag_visibility"');

    // Changed in WeCom: the next visit shows it, nothing cached.
    await range({ allowPartys: [1] });
    const again = card(await pageHtml(w.api, w.owner, "/teams/acme/wecom"));
    expect(textOf(again)).toContain("整个企业");
    expect(again).not.toContain('id="visibility-partial_visibility"');
    expect(again).not.toContain("newcomer");
  });

  it("reads in English for an English reader", async () => {
    await range({ allowPartys: [2], allowUsers: ["newcomer"] });
    const jar = await w.api.login("owner1", PASSWORD);
    jar.cookies.set("wr_lang", "en");
    const c = card(await pageHtml(w.api, jar, "/teams/acme/wecom"));
    expect(textOf(c)).toContain("App “Roster”: 1 department (with sub-departments) · 1 single member · 0 tags");
    expect(textOf(c)).toContain("(not imported yet) newcomer");
    expect(c).not.toMatch(/[\u4e00-\u9fff](?![^<]*<\/a>)/);
  });

  it("says clearly when WeCom refuses or does not answer, and the rest of the page still works", async () => {
    await range({});
    await control(w.deps, "POST", "/_emulator/faults", {
      api: "agent/get",
      errcode: 60020,
      errmsg: "not allow to access from your ip, from ip: 203.0.113.7",
      times: 1,
    });
    const refused = await pageHtml(w.api, w.owner, "/teams/acme/wecom");
    const c = card(refused);
    expect(refused).toContain('role="alert" aria-labelledby="visibility" id="visibility-error"');
    expect(textOf(c)).toContain("应用可见范围：企业微信没有回答");
    expect(c).toContain('<code id="visibility-errcode">60020</code>');
    expect(c).toContain("<code>203.0.113.7</code>");
    expect(c).toContain("<code>wecom_rejected</code>");
    expect(refused).toContain('id="admins-form"');

    await control(w.deps, "POST", "/_emulator/faults", { api: "agent/get", http: 502, times: 20 });
    const down = card(await pageHtml(w.api, w.owner, "/teams/acme/wecom"));
    expect(down).toContain("<code>wecom_unavailable</code>");
    expect(textOf(down)).toContain("企业微信暂时不可用");
    await control(w.deps, "DELETE", "/_emulator/faults");
    expect(textOf(card(await pageHtml(w.api, w.owner, "/teams/acme/wecom")))).toContain("整个企业");
  });

  it("asks nothing before the team is bound, and shows the range to no one but the team's admins", async () => {
    expect((await w.api.json("POST", "/api/teams", { slug: "unbound", name: "Unbound" })).status).toBe(201);
    const owner = await person(w.api, w.db, "unbound", "ubowner", { role: "owner" });
    const calls = async () =>
      ((await control(w.deps, "GET", "/_emulator/calls")) as { counts: Record<string, number> }).counts["agent/get"] ?? 0;
    const before = await calls();
    const html = await pageHtml(w.api, owner.jar, "/teams/unbound/wecom");
    expect(card(html)).toBe("");
    expect(await calls()).toBe(before);
    const plain = await person(w.api, w.db, "acme", "plainv", { role: "member" });
    for (const jar of [plain.jar, owner.jar]) {
      const res = await w.api.page(jar, "/teams/acme/wecom");
      expect(res.status).toBe(403);
      expect(await res.text()).not.toContain("visibility");
    }
    expect((await w.api.page(new CookieJar(), "/teams/acme/wecom")).status).toBe(303);
  });
});
