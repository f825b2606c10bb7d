// Shared by the accounts, access and auth-page tests: cheap scrypt, a cookie jar, form posts.
import type { Config } from "../../../src/config";
import type { ResolveHost } from "../../../src/deps";
import type { Db } from "../../../src/db/types";
import { apiClient } from "../../helpers/api";
import { testDeps, type FakeClock, type TestDeps } from "../../helpers/deps";

/** scrypt at N=2^10: the same code path, a fraction of the cost (test/security/password.test.ts covers 2^15). */
export const FAST_SCRYPT_N = 2 ** 10;

export function accountDeps(
  db: Db,
  opts: { env?: Record<string, string>; config?: Partial<Config>; clock?: FakeClock; resolveHost?: ResolveHost } = {},
): TestDeps {
  return testDeps(db, { ...opts, config: { passwordScryptN: FAST_SCRYPT_N, ...opts.config } });
}

export interface SetCookie {
  name: string;
  value: string;
  attributes: Record<string, string | true>;
}

/** Set-Cookie headers of a response, attributes keyed in lower case. */
export function setCookies(res: Response): SetCookie[] {
  return res.headers.getSetCookie().map((line) => {
    const [pair = "", ...attrs] = line.split(";").map((s) => s.trim());
    const eq = pair.indexOf("=");
    const attributes: Record<string, string | true> = {};
    for (const a of attrs) {
      const i = a.indexOf("=");
      if (i < 0) attributes[a.toLowerCase()] = true;
      else attributes[a.slice(0, i).toLowerCase()] = a.slice(i + 1);
    }
    return { name: pair.slice(0, eq), value: decodeURIComponent(pair.slice(eq + 1)), attributes };
  });
}

/** What a browser keeps between requests to one site (expiry by Max-Age=0 only). */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  store(res: Response): Response {
    for (const c of setCookies(res)) {
      if (c.attributes["max-age"] === "0" || c.value === "") this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  header(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") };
  }
}

export function client(deps: TestDeps) {
  const api = apiClient(deps);
  /** JSON as a browser with this jar would send it (no bearer token). */
  const asBrowser = async (jar: CookieJar, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    jar.store(await api.json(method, path, body, { ...jar.header(), ...headers }));
  const register = async (body: { username: string; password: string; name: string; email?: string }) => {
    const res = await api.json("POST", "/api/accounts", body, {});
    if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { account: { id: number; username: string } }).account;
  };
  /** Logs in and returns a jar holding the session cookie. */
  const login = async (username: string, password: string) => {
    const jar = new CookieJar();
    const res = await asBrowser(jar, "POST", "/api/session", { username, password });
    if (res.status !== 200) throw new Error(`login: ${res.status} ${await res.text()}`);
    return jar;
  };
  /** A page GET with the jar. */
  const page = async (jar: CookieJar, path: string) => jar.store(await api.request(path, { headers: jar.header() }));
  /** A form POST (application/x-www-form-urlencoded) with the jar. */
  const form = async (jar: CookieJar, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    jar.store(
      await api.request(path, {
        method: "POST",
        headers: { ...jar.header(), "content-type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams(fields).toString(),
        redirect: "manual",
      }),
    );
  return { ...api, asBrowser, register, login, page, form };
}

/** The hidden CSRF field of a rendered form. */
export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error("no _csrf field in the page");
  return m[1];
}

export const PASSWORD = "correct horse battery";
