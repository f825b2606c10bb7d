import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { addMember, AddMemberInput } from "../../services/access/add-member";
import { teamAccess } from "../../services/access/team-access";
import { readJson } from "../json-errors";
import { callerOf, requireSession } from "../session-auth";
import { operation } from "../operation";
import { AccessBody, AddedMemberBody } from "../responses/members";

/** A member's standing in a team, and adding existing accounts to a team (docs/http-api.md#members-and-access). */
export const accessRoutes = new Hono<AppEnv>()
  .get(
    "/api/teams/:slug/access",
    operation({
      summary: "The session's role in the team",
      tags: ["Members and access"],
      access: "session",
      ok: { status: 200, description: "{role}", body: AccessBody },
      errors: ["forbidden", "not_a_member", "member_locked", "not_authorized", "team_not_found"],
    }),
    requireSession,
    async (c) => {
      const { role } = await teamAccess(c.env.deps, callerOf(c), c.req.param("slug"));
      return c.json({ role });
    },
  )
  .post(
    "/api/teams/:slug/members",
    operation({
      summary: "Add an existing account to the team",
      tags: ["Members and access"],
      access: "team_admin",
      body: AddMemberInput,
      ok: { status: 201, description: "{member}", body: AddedMemberBody },
      errors: ["already_member", "conflict"],
    }),
    async (c) => c.json({ member: await addMember(c.env.deps, callerOf(c), c.req.param("slug"), await readJson(c)) }, 201),
  );
