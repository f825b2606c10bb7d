import { Hono } from "hono";
import type { AppEnv } from "../../../deps";
import { readAudit } from "../../../services/directory/read-audit";
import { AuditPage } from "../../../views/console/audit-page";
import { callerOf } from "../../session-auth";
import { html } from "../form-kit";
import { consoleOf, signedIn, teamAdmin } from "./gate";

/** The audit log, newest first, filtered by action and subject; malformed filters are dropped, not errors. */
export const auditConsole = new Hono<AppEnv>().get("/teams/:slug/audit", signedIn, teamAdmin, async (c) => {
  const ctx = consoleOf(c);
  const q = (k: string, shape: RegExp) => {
    const v = c.req.query(k)?.trim() ?? "";
    return shape.test(v) ? v : "";
  };
  const filters = {
    action: q("action", /^[a-z_.]{1,60}$/),
    subjectType: q("subjectType", /^[a-z_]{1,30}$/),
    subjectId: q("subjectId", /^\d{1,15}$/),
    before: q("before", /^\d{1,15}$/),
  };
  const { items, nextCursor } = await readAudit(c.env.deps, callerOf(c), ctx.slug, {
    ...filters,
    before: filters.before || undefined,
    limit: "50",
  });
  return html(c, <AuditPage {...ctx} team={ctx.team} filters={filters} items={items} nextCursor={nextCursor} />);
});
