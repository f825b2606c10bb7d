import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { accounts, auditLog, loginAttempts, members, sessions, setupCodes, teams } from "../../../src/db/schema";
import { issueSetupCode, SETUP_CODE_QUIET_MS, SETUP_CODE_TTL_MS } from "../../../src/services/setup/issue-setup-code";
import type { TestDeps } from "../../helpers/deps";
import { openTestDb } from "../../helpers/test-db";
import { accountDeps, client, CookieJar, csrfOf, PASSWORD, setCookies } from "../../services/accounts/helpers";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  opened = await openTestDb();
});
afterAll(async () => opened.close());
// Each test starts from an empty service: the setup page exists only before the first team.
beforeEach(async () => {
  await opened.db.delete(teams);
  await opened.db.delete(accounts);
  await opened.db.delete(setupCodes);
  await opened.db.delete(loginAttempts);
  deps = accountDeps(opened.db);
  api = client(deps);
});

const count = async (table: typeof accounts | typeof teams | typeof members | typeof sessions) =>
  (await opened.db.select().from(table)).length;
const nothingCreated = async () => {
  expect(await count(accounts)).toBe(0);
  expect(await count(teams)).toBe(0);
  expect(await count(members)).toBe(0);
  expect(await count(sessions)).toBe(0);
};
/** The codes the service printed, newest last, as the operator reads them off the log. */
const printedCodes = () => deps.logger.lines.filter((l) => l.msg === "setup code").map((l) => String(l.fields?.setupCode));

const OWNER = { name: "王所有者", username: "Owner", password: PASSWORD, email: "", teamName: "Acme 团队", teamSlug: "acme" };

/** Opens the setup page with the jar and returns its CSRF token. */
async function openSetup(jar: CookieJar): Promise<string> {
  const res = await api.page(jar, "/setup");
  expect(res.status).toBe(200);
  return csrfOf(await res.text());
}

describe("the first-run setup page", () => {
  it("is where / leads on an empty database; it prints a code once and renders the form in one language", async () => {
    const front = await api.request("/", { redirect: "manual" });
    expect(front.headers.get("location")).toBe("/setup");

    const jar = new CookieJar();
    const zh = await api.page(jar, "/setup");
    expect(zh.status).toBe(200);
    const html = await zh.text();
    for (const text of ["初始设置", "设置码", "团队标识", "wrangler tail"]) expect(html).toContain(text);
    expect(html).not.toContain("First-run setup");
    for (const field of ["code", "name", "username", "password", "email", "teamName", "teamSlug", "_csrf"])
      expect(html).toContain(`name="${field}"`);
    expect(html).not.toContain("<script");
    expect(zh.headers.get("content-security-policy")).toContain("form-action 'self'");
    expect(zh.headers.get("cache-control")).toBe("no-store");
    const en = await (await api.request("/setup", { headers: { "accept-language": "en" } })).text();
    for (const text of ["First-run setup", "Setup code", "Team slug"]) expect(en).toContain(text);
    expect(en).not.toContain("设置码");

    // The visit printed one code, for the operator's log; more visits within a minute print none.
    expect(printedCodes()).toHaveLength(1);
    expect(printedCodes()[0]).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(deps.logger.lines.find((l) => l.msg === "setup code")?.fields).toMatchObject({ setupUrl: "https://roster.example.com/setup" });
    const stored = await opened.db.select().from(setupCodes);
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(printedCodes()[0]!.replace(/-/g, ""));
    // A minute on (an operator who started `wrangler tail` late), a visit prints a new one.
    deps.clock.advance(SETUP_CODE_QUIET_MS);
    await api.page(jar, "/setup");
    expect(printedCodes()).toHaveLength(2);
    expect(printedCodes()[1]).not.toBe(printedCodes()[0]);
  });

  it("takes the newest code even after a stranger's visits printed many", async () => {
    const jar = new CookieJar();
    for (let i = 0; i < 30; i++) {
      await api.page(new CookieJar(), "/setup");
      deps.clock.advance(SETUP_CODE_QUIET_MS);
    }
    const csrf = await openSetup(jar);
    expect(printedCodes()).toHaveLength(31);
    expect((await api.form(jar, "/setup", { ...OWNER, code: printedCodes().at(-1)!, _csrf: csrf })).status).toBe(303);
  });

  it("creates the owner and the first team, logs the owner in and leads to the team's WeCom binding form", async () => {
    const code = await issueSetupCode(deps);
    const jar = new CookieJar();
    const res = await api.form(jar, "/setup", { ...OWNER, _csrf: await openSetup(jar), code: code!.toLowerCase() });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("teams/acme/wecom");
    const [cookie] = setCookies(res).filter((c) => c.name === "__Host-wr_session");
    expect(cookie!.attributes).toMatchObject({ httponly: true, samesite: "Lax", secure: true, path: "/" });

    const [account] = await opened.db.select().from(accounts);
    expect(account).toMatchObject({ username: "Owner", usernameKey: "owner", name: "王所有者", email: null });
    expect(account!.passwordHash).toMatch(/^scrypt\$/);
    const [team] = await opened.db.select().from(teams);
    expect(team).toMatchObject({ slug: "acme", name: "Acme 团队" });
    const [owner] = await opened.db.select().from(members);
    expect(owner).toMatchObject({ teamId: team!.id, accountId: account!.id, role: "owner", status: "active", wecomUserId: null });
    const [audit] = await opened.db.select().from(auditLog);
    expect(audit).toMatchObject({ action: "member.added", actor: "system:setup", subjectId: String(owner!.id) });
    expect((await opened.db.select().from(setupCodes)).every((r) => r.usedAt !== null)).toBe(true);

    // The binding form with its live check, as the new owner.
    const binding = await api.page(jar, "/teams/acme/wecom");
    expect(binding.status).toBe(200);
    expect(await binding.text()).toContain('name="encodingAesKey"');
    expect((await api.page(jar, "/")).headers.get("location")).toBe("/teams");
  });

  it("refuses a form without a valid CSRF token, and creates nothing", async () => {
    const code = (await issueSetupCode(deps))!;
    const jar = new CookieJar();
    await openSetup(jar);
    const missing = await api.form(jar, "/setup", { ...OWNER, code });
    expect(missing.status).toBe(403);
    const forged = await api.form(new CookieJar(), "/setup", { ...OWNER, code, _csrf: "forged" });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain("表单已过期");
    await nothingCreated();
    // The code was not spent by the refusals.
    expect((await api.form(jar, "/setup", { ...OWNER, code, _csrf: await openSetup(jar) })).status).toBe(303);
  });

  it("refuses a wrong or expired code without spending the right one, and creates nothing", async () => {
    const code = (await issueSetupCode(deps))!;
    const jar = new CookieJar();
    const other = code.replace(/^./, (c) => (c === "A" ? "B" : "A"));
    for (const wrong of [other, "not-a-code", `${code}0`]) {
      const res = await api.form(jar, "/setup", { ...OWNER, code: wrong, _csrf: await openSetup(jar) });
      expect(res.status).toBe(403);
      const html = await res.text();
      expect(html).toContain("设置码不正确或已失效");
      expect(html).toContain('id="f-code"');
      expect(html).toContain('value="Owner"');
      expect(html).not.toContain(PASSWORD);
    }
    await nothingCreated();

    deps.clock.advance(SETUP_CODE_TTL_MS);
    const expired = await api.form(jar, "/setup", { ...OWNER, code, _csrf: csrfOf(await (await api.page(jar, "/login")).text()) });
    expect(expired.status).toBe(403);
    await nothingCreated();
    // The page's next visit prints a fresh code, which works.
    const csrf = await openSetup(jar);
    const fresh = printedCodes().at(-1)!;
    expect(fresh).not.toBe(code);
    expect((await api.form(jar, "/setup", { ...OWNER, code: fresh, _csrf: csrf })).status).toBe(303);
  });

  it("keeps the code when a field is refused (taken username, short password)", async () => {
    const code = (await issueSetupCode(deps))!;
    // Someone registered the owner's username before the operator set up.
    await api.register({ username: "owner", password: PASSWORD, name: "Someone" });
    const jar = new CookieJar();
    const taken = await api.form(jar, "/setup", { ...OWNER, code, _csrf: await openSetup(jar) });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain('id="f-username-error"');
    const short = await api.form(jar, "/setup", { ...OWNER, username: "TheOwner", password: "short", code, _csrf: await openSetup(jar) });
    expect(short.status).toBe(422);
    expect(await count(accounts)).toBe(1);
    expect(await count(teams)).toBe(0);
    expect(await count(members)).toBe(0);
    expect((await api.form(jar, "/setup", { ...OWNER, username: "TheOwner", code, _csrf: await openSetup(jar) })).status).toBe(303);
  });

  it("a code used once, or racing itself, sets up once; then the page is gone for good and prints no code", async () => {
    const code = (await issueSetupCode(deps))!;
    const a = new CookieJar();
    const b = new CookieJar();
    const [csrfA, csrfB] = [await openSetup(a), await openSetup(b)];
    const results = await Promise.all([
      api.form(a, "/setup", { ...OWNER, code, _csrf: csrfA }),
      api.form(b, "/setup", { ...OWNER, username: "intruder", teamSlug: "other", code, _csrf: csrfB }),
    ]);
    // The loser finds setup over (410), or on PostgreSQL, racing inside the transaction, its code spent (403).
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[0]).toBe(303);
    expect([403, 410]).toContain(statuses[1]);
    expect(await count(accounts)).toBe(1);
    expect(await count(teams)).toBe(1);

    const printed = printedCodes().length;
    const again = await api.form(b, "/setup", { ...OWNER, username: "again", teamSlug: "again", code, _csrf: csrfB });
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('id="login-link"');
    const page = await api.page(new CookieJar(), "/setup");
    expect(page.status).toBe(410);
    expect(await page.text()).not.toContain('name="code"');
    expect(await issueSetupCode(deps)).toBeNull();
    expect(printedCodes()).toHaveLength(printed);
    expect(await count(accounts)).toBe(1);
    expect((await api.request("/", { redirect: "manual" })).headers.get("location")).toBe("/login");
  });

  it("an account a stranger registered does not close setup: the code still makes the owner, and the stranger gets nothing", async () => {
    const code = (await issueSetupCode(deps))!;
    await api.register({ username: "early", password: PASSWORD, name: "Early" });
    const jar = new CookieJar();
    const csrf = await openSetup(jar);
    const res = await api.form(jar, "/setup", { ...OWNER, code, _csrf: csrf });
    expect(res.status).toBe(303);
    expect(await count(accounts)).toBe(2);
    expect(await count(teams)).toBe(1);
    expect(await count(members)).toBe(1);
    const early = await api.login("early", PASSWORD);
    // Not a member: the team's pages do not exist for the stranger.
    expect((await api.page(early, "/t/acme")).status).toBe(404);
  });

  it("a valid code is refused once a team exists (made by the operator), and nothing is created", async () => {
    const code = (await issueSetupCode(deps))!;
    const jar = new CookieJar();
    const csrf = await openSetup(jar);
    expect((await api.json("POST", "/api/teams", { slug: "other", name: "Other" })).status).toBe(201);
    const res = await api.form(jar, "/setup", { ...OWNER, code, _csrf: csrf });
    expect(res.status).toBe(410);
    expect(await count(accounts)).toBe(0);
    expect(await count(teams)).toBe(1);
    expect(await count(members)).toBe(0);
    expect((await api.page(jar, "/setup")).status).toBe(410);
    expect(await issueSetupCode(deps)).toBeNull();
  });
});
