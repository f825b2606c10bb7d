import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { addMember } from "../../services/access/add-member";
import { teamAccess } from "../../services/access/team-access";
import { readJson } from "../json-errors";
import { callerOf, requireSession } from "../session-auth";

/** A member's standing in a team, and adding existing accounts to a team (docs/http-api.md#members-and-access). */
export const accessRoutes = new Hono<AppEnv>()
  .get("/api/teams/:slug/access", requireSession, async (c) => {
    const { role } = await teamAccess(c.env.deps, callerOf(c), c.req.param("slug"));
    return c.json({ role });
  })
  .post("/api/teams/:slug/members", async (c) => c.json({ member: await addMember(c.env.deps, callerOf(c), c.req.param("slug"), await readJson(c)) }, 201));
