import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, members } from "../../../../src/db/schema";
import { CookieJar, csrfOf } from "../../../services/accounts/helpers";
import { consoleWorld, pageHtml, person, postForm, textOf, type ConsoleWorld } from "./helpers";

let w: ConsoleWorld;
let memberId: number;
const browsers: Record<string, CookieJar> = {};

beforeAll(async () => {
  w = await consoleWorld();
  const [first] = await w.db.select().from(members).orderBy(asc(members.id)).limit(1);
  memberId = first!.id;
  browsers.member = (await person(w.api, w.db, w.slug, "plain1", { role: "member" })).jar;
  browsers.locked = (await person(w.api, w.db, w.slug, "locked1", { role: "admin", status: "locked" })).jar;
  browsers.deauthorized = (await person(w.api, w.db, w.slug, "deauth1", { role: "admin", status: "deauthorized" })).jar;
  browsers.outsider = (await person(w.api, w.db, w.slug, "outsider1")).jar;
});
afterAll(async () => w.close());

const PAGES = () =>
  ["", "/wecom", "/sync", "/sync/1", "/departments", "/members", `/members/${memberId}`, "/match", "/policy", "/audit"].map(
    (p) => `/teams/acme${p}`,
  );
const POSTS = () =>
  [
    "/wecom",
    "/wecom/admins",
    "/sync",
    "/sync/1/confirm",
    "/sync/1/reject",
    "/members/authorize",
    `/members/${memberId}/invitation`,
    `/members/${memberId}/unlock`,
    `/members/${memberId}/restore`,
    `/members/${memberId}/lock`,
    `/members/${memberId}/role`,
    "/match",
    "/match/confirm",
    "/policy",
  ].map((p) => `/teams/acme${p}`);

describe("every console page refuses whoever may not administer the team", () => {
  it("sends a browser without a session to sign in, and back to the page afterwards", async () => {
    for (const path of [...PAGES(), "/teams", "/teams/acme/members?status=active"]) {
      const res = await w.api.page(new CookieJar(), path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get("location"), path).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
    for (const path of POSTS()) {
      const res = await postForm(w.api, new CookieJar(), path, [["_csrf", "x"]]);
      expect(res.status, path).toBe(303);
      expect(res.headers.get("location"), path).toMatch(/^\/login\?next=/);
    }
  });

  it.each([
    ["member", 403, "forbidden"],
    ["locked", 403, "member_locked"],
    ["deauthorized", 403, "not_authorized"],
    ["outsider", 403, "not_a_member"],
  ])("answers a %s with a %i page carrying the API's code %s, and shows nothing of the team", async (who, status, code) => {
    for (const path of PAGES()) {
      const res = await w.api.page(browsers[who]!, path);
      expect(res.status, path).toBe(status);
      const html = await res.text();
      expect(html, path).toContain(`<code>${code}</code>`);
      expect(html, path).not.toContain("ww1436e0e65a779aee");
      expect(html, path).not.toContain('name="_csrf"');
    }
  });

  it("answers posts by a plain member with 403 forbidden and changes nothing, even with a valid CSRF token", async () => {
    const jar = browsers.member!;
    const token = csrfOf(await pageHtml(w.api, jar, "/teams"));
    const auditBefore = (await w.db.select().from(auditLog)).length;
    for (const path of POSTS()) {
      const res = await postForm(w.api, jar, path, [
        ["_csrf", token],
        ["onMemberDeleted", "lock"],
        ["scope", "department"],
        ["department", "1"],
      ]);
      expect(res.status, path).toBe(403);
      expect(await res.text(), path).toContain("<code>forbidden</code>");
    }
    expect((await w.db.select().from(auditLog)).length).toBe(auditBefore);
  });

  it("treats an unknown team or a malformed slug like a team the account is not in", async () => {
    for (const path of ["/teams/nope", "/teams/nope/members", "/teams/Bad_Slug/policy"]) {
      const res = await w.api.page(w.owner, path);
      expect(res.status, path).toBe(403);
      expect(await res.text(), path).toContain("<code>not_a_member</code>");
    }
  });
});

describe("CSRF on console forms", () => {
  it("refuses an owner's post without the token, with a wrong one, or with another session's token", async () => {
    const other = (await person(w.api, w.db, w.slug, "admin2", { role: "admin" })).jar;
    const foreign = csrfOf(await pageHtml(w.api, other, "/teams/acme/policy"));
    for (const fields of [[], [["_csrf", "forged"]], [["_csrf", foreign]]] as [string, string][][]) {
      for (const path of POSTS()) {
        const res = await postForm(w.api, w.owner, path, [...fields, ["onMemberDeleted", "lock"]]);
        expect(res.status, path).toBe(403);
        expect(textOf(await res.text()), path).toContain("csrf_failed");
      }
    }
    const policy = await w.db.select().from(auditLog).where(eq(auditLog.action, "policy.changed"));
    expect(policy).toEqual([]);
  });

  it("sets the console's headers: no caching, forms to this site only, scripts and styles by nonce", async () => {
    const res = await w.api.page(w.owner, "/teams/acme");
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    const nonce = /style-src 'nonce-([^']+)'/.exec(csp)![1]!;
    const html = await res.text();
    for (const tag of html.match(/<(script|style)\b[^>]*>/g) ?? []) expect(tag).toContain(`nonce="${nonce}"`);
  });
});
