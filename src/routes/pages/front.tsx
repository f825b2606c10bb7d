import { Hono, type Context } from "hono";
import { setCookie } from "hono/cookie";
import type { AppEnv } from "../../deps";
import { isLang, LANG_COOKIE } from "../../views/lang";
import { setupOpen } from "../../services/setup/setup-open";
import { NotFoundPage } from "../../views/status-page";
import { sessionAccount } from "../session-auth";
import { basePath, html, newNonce, safeNext } from "./form-kit";

const YEAR_SECONDS = 365 * 24 * 3600;

/** A small mark for the browser's tab, so no request for it ends in a 404. */
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1e3a8a"/><path d="M9 11h14M9 16h14M9 21h9" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>`;

/**
 * What nothing else answers: a browser (asking for HTML, outside the JSON API) gets a page in its
 * language with a way home; everything else the API's JSON.
 */
export function notFound(c: Context<AppEnv>): Response | Promise<Response> {
  const wantsHtml = (c.req.header("accept") ?? "").includes("text/html");
  if (!wantsHtml || c.req.path.startsWith("/api/")) return c.json({ error: { code: "not_found", message: "未找到 / Not found" } }, 404);
  return html(c, <NotFoundPage nonce={newNonce(c)} home={`${basePath(c)}/`} />, 404);
}

/**
 * The front door (`/` to the console, to sign-in, or on a service without accounts yet to the
 * first-run setup), the favicon, and the language switch.
 */
export const frontPageRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const base = basePath(c);
    c.header("Cache-Control", "no-store");
    if (await sessionAccount(c)) return c.redirect(`${base}/teams`, 303);
    return c.redirect((await setupOpen(c.env.deps)) ? `${base}/setup` : `${base}/login`, 303);
  })
  .get("/favicon.ico", (c) => c.body(FAVICON, 200, { "content-type": "image/svg+xml", "cache-control": "public, max-age=86400" }))
  .get("/favicon.svg", (c) => c.body(FAVICON, 200, { "content-type": "image/svg+xml", "cache-control": "public, max-age=86400" }))
  /** The language switch: remembers the choice and returns to the page it was clicked on. */
  .get("/lang", (c) => {
    const base = basePath(c);
    const to = c.req.query("to");
    // A UI preference, read by no script and worth nothing to steal: not HttpOnly, but never sent cross-site.
    if (isLang(to))
      setCookie(c, LANG_COOKIE, to, {
        path: "/",
        sameSite: "Lax",
        secure: c.env.deps.config.publicUrl.startsWith("https:"),
        maxAge: YEAR_SECONDS,
      });
    c.header("Cache-Control", "no-store");
    return c.redirect(safeNext(c.req.query("next")) ?? `${base}/`, 303);
  });
