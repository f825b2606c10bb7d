// One language per page: the browser's (Accept-Language), or the one chosen with the switch and remembered in a cookie.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDeps } from "../../helpers/deps";
import { openTestDb } from "../../helpers/test-db";
import { accountDeps, client, CookieJar, setCookies } from "../../services/accounts/helpers";
import { person, textOf } from "./console/helpers";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
let api: ReturnType<typeof client>;
let owner: CookieJar;

beforeAll(async () => {
  opened = await openTestDb();
  deps = accountDeps(opened.db);
  api = client(deps);
  const created = await api.json("POST", "/api/teams", { slug: "acme", name: "Acme" });
  expect(created.status).toBe(201);
  owner = (await person(api, opened.db, "acme", "lang-owner", { role: "owner" })).jar;
});
afterAll(async () => opened.close());

const ZH = ["概览", "企业微信", "导入与同步", "部门", "审计日志", "退出", "团队概览", "需要处理"];
const EN = ["Overview", "WeCom", "Import &amp; sync", "Departments", "Audit log", "Log out", "Team overview", "Needs attention"];

/** A page as this browser sees it, with an optional Accept-Language. */
async function page(jar: CookieJar, path: string, acceptLanguage?: string): Promise<string> {
  const res = jar.store(
    await api.request(path, { headers: { ...jar.header(), ...(acceptLanguage ? { "accept-language": acceptLanguage } : {}) } }),
  );
  expect(res.status, path).toBe(200);
  return res.text();
}

/** The page without its style and scripts, so only what a person reads is checked. */
const visible = (html: string) => html.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, " ");

function expectOnly(html: string, shown: string[], hidden: string[]) {
  for (const s of shown) expect(visible(html), s).toContain(s);
  for (const s of hidden) expect(visible(html), s).not.toContain(s);
}

/** A copy of a jar, so one test's language choice does not leak into another. */
function copy(jar: CookieJar): CookieJar {
  const out = new CookieJar();
  for (const [k, v] of jar.cookies) out.cookies.set(k, v);
  return out;
}

describe("the page language", () => {
  it("shows a console page in Chinese or in English, never both", async () => {
    const zh = await page(owner, "/teams/acme", "zh-CN,zh;q=0.9,en;q=0.8");
    expect(zh).toContain('<html lang="zh-CN">');
    expectOnly(zh, ZH, EN);
    const en = await page(owner, "/teams/acme", "en-US,en;q=0.9");
    expect(en).toContain('<html lang="en">');
    expectOnly(en, EN, ["概览", "退出", "团队概览", "需要处理", "尚未绑定企业微信"]);
    // No header at all: Chinese; a browser asking only for other languages: English.
    expectOnly(await page(owner, "/teams/acme"), ZH, EN);
    expectOnly(await page(owner, "/teams/acme", "fr-FR,de;q=0.5"), EN, ["概览", "退出"]);
  });

  it("offers the other language, and the switch is remembered in a cookie the next pages follow", async () => {
    const jar = copy(owner);
    const zh = await page(jar, "/teams/acme/departments?x=1", "zh-CN");
    const href = /<a href="([^"]+)"[^>]*id="lang-switch"/.exec(zh)?.[1]?.replace(/&amp;/g, "&");
    expect(href).toBeDefined();
    expect(textOf(zh)).toContain("English");
    const url = new URL(href!, "https://roster.example.com");
    expect(url.pathname).toBe("/lang");
    expect(url.searchParams.get("to")).toBe("en");
    expect(url.searchParams.get("next")).toBe("/teams/acme/departments?x=1");

    const res = jar.store(await api.request(`${url.pathname}${url.search}`, { headers: jar.header(), redirect: "manual" }));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/teams/acme/departments?x=1");
    const [cookie] = setCookies(res).filter((c) => c.name === "wr_lang");
    expect(cookie?.value).toBe("en");
    expect(cookie!.attributes).toMatchObject({ samesite: "Lax", path: "/" });
    expect(cookie!.attributes.httponly).toBeUndefined();

    // The browser still asks for Chinese; the choice wins, on this page and the next.
    expectOnly(await page(jar, "/teams/acme/departments?x=1", "zh-CN"), ["Departments", "Refresh from WeCom", "中文"], ["从企业微信刷新"]);
    expectOnly(await page(jar, "/teams/acme", "zh-CN"), EN, ["概览", "退出"]);
    expectOnly(await page(jar, "/account", "zh-CN"), ["My account"], ["我的账号"]);

    // And back.
    const back = jar.store(await api.request("/lang?to=zh&next=/teams/acme", { headers: jar.header(), redirect: "manual" }));
    expect(back.headers.get("location")).toBe("/teams/acme");
    expectOnly(await page(jar, "/teams/acme", "en-US"), ZH, EN);
  });

  it("ignores a cookie that is not a language, a switch to an unknown language and a next that leaves the site", async () => {
    const jar = copy(owner);
    jar.cookies.set("wr_lang", "fr");
    expectOnly(await page(jar, "/teams/acme", "en"), EN, ["概览"]);
    jar.cookies.set("wr_lang", "<script>");
    expectOnly(await page(jar, "/teams/acme", "zh-CN"), ZH, EN);

    const bad = await api.request("/lang?to=xx&next=//evil.example/", { headers: jar.header(), redirect: "manual" });
    expect(bad.status).toBe(303);
    expect(bad.headers.get("location")).toBe("/");
    expect(setCookies(bad).filter((c) => c.name === "wr_lang")).toEqual([]);
  });

  it("speaks the chosen language on the sign-in pages too", async () => {
    const jar = new CookieJar();
    jar.cookies.set("wr_lang", "en");
    expectOnly(await page(jar, "/login", "zh-CN"), ["Log in", "Username", "Password"], ["用户名", "密码"]);
    expectOnly(await page(new CookieJar(), "/register", "en"), ["Create an account"], ["注册账号"]);
  });
});

describe("the front door", () => {
  it("sends / to the console when signed in, else to sign-in", async () => {
    const signedIn = await api.request("/", { headers: owner.header(), redirect: "manual" });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get("location")).toBe("/teams");
    const anonymous = await api.request("/", { redirect: "manual" });
    expect(anonymous.headers.get("location")).toBe("/login");
  });

  it("answers a browser's unknown path with an HTML page in its language and a way home; the API keeps JSON", async () => {
    const browser = { accept: "text/html,application/xhtml+xml,*/*;q=0.8" };
    const zh = await api.request("/no/such/page", { headers: { ...browser, "accept-language": "zh-CN" } });
    expect(zh.status).toBe(404);
    expect(zh.headers.get("content-type")).toMatch(/^text\/html/);
    expect(zh.headers.get("content-security-policy")).toContain("default-src 'none'");
    const zhHtml = await zh.text();
    expectOnly(zhHtml, ["页面不存在", "返回首页"], ["Page not found"]);
    expect(zhHtml).toContain('href="/" id="home"');
    expectOnly(
      await (await api.request("/no/such/page", { headers: { ...browser, "accept-language": "en" } })).text(),
      ["Page not found", "Go to the start page"],
      ["页面不存在"],
    );

    const json = await api.request("/no/such/page");
    expect(json.status).toBe(404);
    expect(await json.json()).toEqual({ error: { code: "not_found", message: "未找到 / Not found" } });
    const apiMiss = await api.request("/api/nothing", { headers: browser });
    expect(apiMiss.headers.get("content-type")).toMatch(/^application\/json/);
  });

  it("serves a favicon", async () => {
    for (const path of ["/favicon.ico", "/favicon.svg"]) {
      const res = await api.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/svg+xml");
      expect(await res.text()).toMatch(/^<svg /);
    }
  });
});
