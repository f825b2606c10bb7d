// department/list, department/simplelist, department/get (docs/wecom.md#contacts-apis).
import type { Context, Hono } from "hono";
import type { EmuEnv } from "../hono-env";
import { renderDepartment } from "../render";
import { fail, ok } from "../respond";
import type { EmulatorState } from "../state";
import { departmentVisible, scopeOf, visibleDepartments } from "../visibility";

export function departmentRoutes(app: Hono<EmuEnv>, state: EmulatorState): void {
  // Out of range → 60011, gone → 60123 (docs/wecom.md#contacts-apis; which of the two WeCom picks for an
  // out-of-range department is unconfirmed, docs/wecom.md#unconfirmed).
  const resolve = (c: Context<EmuEnv>, raw: string | undefined, required: boolean): number | Response | undefined => {
    if (raw === undefined || raw === "") return required ? fail(c, 40058, "missing department id, hint: [emu]") : undefined;
    const id = Number(raw);
    if (!Number.isInteger(id) || id < 1 || !state.org.departments.has(id)) return fail(c, 60123);
    if (!departmentVisible(state.org, scopeOf(state.org, c.get("caller")), id)) return fail(c, 60011);
    return id;
  };

  app.on(["GET", "POST"], "/cgi-bin/department/list", (c) => {
    const caller = c.get("caller");
    if (caller.kind === "sync" && caller.newIp) return fail(c, 48009);
    const id = resolve(c, c.req.query("id"), false);
    if (id instanceof Response) return id;
    const ids = visibleDepartments(state.org, scopeOf(state.org, caller), id);
    return ok(c, {
      department: ids.flatMap((d) => {
        const dept = state.org.departments.get(d);
        return dept ? [renderDepartment(dept)] : [];
      }),
    });
  });

  // Works for the contact-sync secret from new IPs too (docs/wecom.md#which-secret).
  app.on(["GET", "POST"], "/cgi-bin/department/simplelist", (c) => {
    const id = resolve(c, c.req.query("id"), false);
    if (id instanceof Response) return id;
    const ids = visibleDepartments(state.org, scopeOf(state.org, c.get("caller")), id);
    return ok(c, {
      department_id: ids.flatMap((d) => {
        const dept = state.org.departments.get(d);
        return dept ? [{ id: dept.id, parentid: dept.parentid, order: dept.order }] : [];
      }),
    });
  });

  app.on(["GET", "POST"], "/cgi-bin/department/get", (c) => {
    const caller = c.get("caller");
    if (caller.kind === "sync" && caller.newIp) return fail(c, 48009);
    const id = resolve(c, c.req.query("id"), true);
    if (id instanceof Response) return id;
    const dept = id === undefined ? undefined : state.org.departments.get(id);
    return dept ? ok(c, { department: renderDepartment(dept) }) : fail(c, 60123);
  });
}
