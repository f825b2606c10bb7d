// user/get, user/list, user/simplelist, user/list_id (docs/wecom.md#contacts-apis).
import type { Context, Hono } from "hono";
import { BAD_JSON, type EmuEnv } from "../hono-env";
import { renderUser } from "../render";
import { fail, ok } from "../respond";
import type { EmulatorState } from "../state";
import { departmentVisible, scopeOf, userVisible, type Caller } from "../visibility";

const restricted = (caller: Caller) => caller.kind === "app" && caller.app.restricted;

export function userRoutes(app: Hono<EmuEnv>, state: EmulatorState): void {
  app.on(["GET", "POST"], "/cgi-bin/user/get", (c) => {
    const caller = c.get("caller");
    if (caller.kind === "sync" && caller.newIp) return fail(c, 48009);
    const userid = c.req.query("userid");
    if (!userid) return fail(c, 41009);
    const user = state.org.getUser(userid);
    // Gone, never existed or out of range all look the same: 60111 (docs/wecom.md#userget).
    if (!user || !userVisible(scopeOf(state.org, caller), user)) return fail(c, 60111);
    return ok(c, renderUser(user, restricted(caller)));
  });

  // One department per call, no fetch_child (docs/wecom.md#usersimplelist-and-userlist).
  const department = (c: Context<EmuEnv>): number | Response => {
    const caller = c.get("caller");
    if (caller.kind === "sync" && caller.newIp) return fail(c, 48009);
    const raw = c.req.query("department_id");
    if (!raw) return fail(c, 40058, "missing department_id, hint: [emu]");
    const id = Number(raw);
    if (!Number.isInteger(id) || !state.org.departments.has(id)) return fail(c, 60123);
    // Likely 60011 for an out-of-range department (docs/wecom.md#unconfirmed).
    if (!departmentVisible(state.org, scopeOf(state.org, caller), id)) return fail(c, 60011);
    return id;
  };

  app.on(["GET", "POST"], "/cgi-bin/user/list", (c) => {
    const id = department(c);
    if (id instanceof Response) return id;
    const r = restricted(c.get("caller"));
    return ok(c, { userlist: Array.from(state.org.membersOf(id), (u) => renderUser(u, r)) });
  });

  app.on(["GET", "POST"], "/cgi-bin/user/simplelist", (c) => {
    const id = department(c);
    if (id instanceof Response) return id;
    return ok(c, { userlist: Array.from(state.org.membersOf(id), (u) => ({ userid: u.userid, name: u.name, department: u.department })) });
  });

  app.get("/cgi-bin/user/list_id", (c) => fail(c, 43002));
  // Contact-sync secret only; an app secret gets 48002 (docs/wecom.md#userlist_id, unconfirmed code).
  // The cursor is an offset into the members in insertion order: stable while the org
  // doesn't change between pages.
  app.post("/cgi-bin/user/list_id", (c) => {
    if (c.get("caller").kind !== "sync") return fail(c, 48002);
    const body = c.get("body") ?? {};
    if (body === BAD_JSON || typeof body !== "object" || body === null) return fail(c, 47001);
    const { cursor, limit } = body as { cursor?: unknown; limit?: unknown };
    const size = limit === undefined ? 10000 : limit;
    if (!Number.isInteger(size) || (size as number) < 1 || (size as number) > 10000)
      return fail(c, 40058, "limit must be 1-10000, hint: [emu]");
    let offset = 0;
    if (cursor !== undefined && cursor !== "") {
      const m = typeof cursor === "string" ? /^emu:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString()) : null;
      if (!m) return fail(c, 40058, "invalid cursor, hint: [emu]");
      offset = Number(m[1]);
    }
    const rows: { userid: string; department: number }[] = [];
    let index = 0;
    let more = false;
    outer: for (const u of state.org.users.values()) {
      for (const d of u.department) {
        if (index++ < offset) continue;
        if (rows.length === size) {
          more = true;
          break outer;
        }
        rows.push({ userid: u.userid, department: d });
      }
    }
    const next = more ? Buffer.from(`emu:${offset + rows.length}`).toString("base64url") : "";
    return ok(c, { next_cursor: next, dept_user: rows });
  });
}
