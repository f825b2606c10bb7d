// Shared by the console page tests: a bound, imported team, an owner's browser, and the other standings.
import { and, eq } from "drizzle-orm";
import { expect } from "vitest";
import { members, type MemberStatus } from "../../../../src/db/schema";
import type { Db } from "../../../../src/db/types";
import { boundTeam } from "../../../helpers/api";
import { TEST_CORP_ID, type TestDeps } from "../../../helpers/deps";
import { control } from "../../../helpers/emulator";
import { syncNow } from "../../../helpers/sync";
import { openTestDb } from "../../../helpers/test-db";
import { accountDeps, client, csrfOf, PASSWORD, type CookieJar } from "../../../services/accounts/helpers";

export type Api = ReturnType<typeof client>;

/** Registers an account, adds it to the team with `role` (operator), sets its standing, logs in. */
export async function person(
  api: Api,
  db: Db,
  slug: string,
  username: string,
  opts: { role?: "owner" | "admin" | "member"; status?: MemberStatus } = {},
): Promise<{ jar: CookieJar; accountId: number }> {
  const account = await api.register({ username, password: PASSWORD, name: `${username} 名` });
  if (opts.role) {
    const added = await api.json("POST", `/api/teams/${slug}/members`, { accountId: account.id, role: opts.role });
    if (added.status !== 201) throw new Error(`add member: ${added.status} ${await added.text()}`);
    if (opts.status)
      await db
        .update(members)
        .set({ status: opts.status })
        .where(and(eq(members.accountId, account.id)));
  }
  return { jar: await api.login(username, PASSWORD), accountId: account.id };
}

export interface ConsoleWorld {
  /** The file's own fresh database. */
  db: Db;
  close: () => Promise<void>;
  deps: TestDeps;
  api: Api;
  slug: string;
  owner: CookieJar;
  ownerId: number;
}

/** A fresh database with a team bound to the emulator and imported once, and its owner logged in. */
export async function consoleWorld(
  opts: { sync?: boolean; org?: { departments: number; users: number; seed: number }; deps?: Parameters<typeof accountDeps>[1] } = {},
): Promise<ConsoleWorld> {
  const opened = await openTestDb();
  const db = opened.db;
  const deps = accountDeps(db, opts.deps);
  const api = client(deps);
  if (opts.org) await control(deps, "POST", "/_emulator/reset", { corpId: TEST_CORP_ID, org: { generate: opts.org } });
  const slug = await boundTeam(deps, "acme");
  if (opts.sync !== false) expect((await syncNow(deps, slug)).state).toBe("succeeded");
  const owner = await person(api, db, slug, "owner1", { role: "owner" });
  return { db, close: () => opened.close(), deps, api, slug, owner: owner.jar, ownerId: owner.accountId };
}

/** GET a page as this browser, expecting 200, and its HTML. */
export async function pageHtml(api: Api, jar: CookieJar, path: string): Promise<string> {
  const res = await api.page(jar, path);
  const html = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${html.slice(0, 500)}`);
  return html;
}

/** Opens `page`, then posts `fields` with the page's CSRF token to `action` (default: the page). */
export async function submit(
  api: Api,
  jar: CookieJar,
  page: string,
  fields: Record<string, string> | [string, string][],
  action = page,
): Promise<Response> {
  const token = csrfOf(await pageHtml(api, jar, page));
  const list = Array.isArray(fields) ? fields : Object.entries(fields);
  return postForm(api, jar, action, [["_csrf", token], ...list]);
}

/** A form post with repeated fields allowed (checkboxes). */
export async function postForm(api: Api, jar: CookieJar, path: string, fields: [string, string][]): Promise<Response> {
  return jar.store(
    await api.request(path, {
      method: "POST",
      headers: { ...jar.header(), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
      redirect: "manual",
    }),
  );
}

/** The text of an HTML page without tags, whitespace collapsed (for "shows X" checks). */
export const textOf = (html: string): string =>
  html
    .replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ");
