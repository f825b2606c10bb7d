import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import type { AppEnv } from "../../deps";
import { isLang, LANG_COOKIE } from "../../views/lang";
import { basePath, safeNext } from "./form-kit";

const YEAR_SECONDS = 365 * 24 * 3600;

/** The language switch: remembers the choice and returns to the page it was clicked on. */
export const frontPageRoutes = new Hono<AppEnv>().get("/lang", (c) => {
  const base = basePath(c);
  const to = c.req.query("to");
  // A UI preference, read by no script and worth nothing to steal: not HttpOnly, but never sent cross-site.
  if (isLang(to)) setCookie(c, LANG_COOKIE, to, { path: "/", sameSite: "Lax", secure: c.env.deps.config.publicUrl.startsWith("https:"), maxAge: YEAR_SECONDS });
  c.header("Cache-Control", "no-store");
  return c.redirect(safeNext(c.req.query("next")) ?? `${base}/`, 303);
});
