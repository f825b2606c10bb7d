// Control API: address-book changes. Each pushes the matching change_contact callback when a
// target is set (callbacks/push.ts applies drop/duplicate faults) and answers with what was
// pushed, after the delivery finished.
import type { Hono } from "hono";
import { changeContactXml } from "../callbacks/payloads";
import { pushCallback } from "../callbacks/push";
import type { EmuEnv } from "../hono-env";
import {
  createDepartment,
  createUser,
  deleteDepartment,
  deleteUser,
  MutationError,
  updateDepartment,
  updateUser,
  type ContactEvent,
} from "../org/mutations";
import type { CallbackRecord, EmulatorState } from "../state";
import { readJson } from "./read-json";

export function orgRoutes(app: Hono<EmuEnv>, state: EmulatorState): void {
  const push = async (event: ContactEvent | undefined): Promise<CallbackRecord | null> => {
    if (!event) return null;
    const xml = changeContactXml(state.corpId, Math.floor(state.nowMs() / 1000), event.changeType, event.fields);
    return pushCallback(state, event.changeType, xml);
  };
  const departmentId = (raw: string) => {
    const id = Number(raw);
    if (!Number.isInteger(id)) throw new MutationError(400, "invalid_field", "department id must be an integer");
    return id;
  };

  app.get("/_emulator/org", (c) => c.json(state.org.toJSON()));

  app.get("/_emulator/users/:userid", (c) => {
    const user = state.org.getUser(c.req.param("userid"));
    if (!user) throw new MutationError(404, "user_not_found", `no user ${c.req.param("userid")}`);
    return c.json({ user });
  });
  app.post("/_emulator/users", async (c) => {
    const r = createUser(state, await readJson(c));
    return c.json({ user: r.user, callback: await push(r.event) }, 201);
  });
  app.patch("/_emulator/users/:userid", async (c) => {
    const r = updateUser(state, c.req.param("userid"), await readJson(c));
    return c.json({ user: r.user, callback: await push(r.event) });
  });
  app.delete("/_emulator/users/:userid", async (c) => {
    const r = deleteUser(state, c.req.param("userid"));
    return c.json({ user: r.user, callback: await push(r.event) });
  });

  app.get("/_emulator/departments", (c) => c.json({ departments: [...state.org.departments.values()] }));
  app.post("/_emulator/departments", async (c) => {
    const r = createDepartment(state, await readJson(c));
    return c.json({ department: r.department, callback: await push(r.event) }, 201);
  });
  app.patch("/_emulator/departments/:id", async (c) => {
    const r = updateDepartment(state, departmentId(c.req.param("id")), await readJson(c));
    return c.json({ department: r.department, callback: await push(r.event) });
  });
  app.delete("/_emulator/departments/:id", async (c) => {
    const r = deleteDepartment(state, departmentId(c.req.param("id")));
    return c.json({ department: r.department, callback: await push(r.event) });
  });
}
