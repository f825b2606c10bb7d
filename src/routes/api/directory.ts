import { Hono, type Context } from "hono";
import type { AppEnv, Deps } from "../../deps";
import type { Caller } from "../../services/accounts/caller";
import { cancelJob } from "../../services/directory/cancel-job";
import { decideJob } from "../../services/directory/decide-job";
import { changeStanding } from "../../services/directory/member-standing";
import { getPolicy, PolicyInput, setPolicy } from "../../services/directory/policy";
import { AuditQuery, readAudit } from "../../services/directory/read-audit";
import { listDepartments, listTeamMembers, MemberQuery } from "../../services/directory/read-directory";
import { getJob, listJobs, listStaged, StagedQuery } from "../../services/directory/read-jobs";
import { startSync } from "../../services/directory/start-sync";
import { refuseStructureChange } from "../../services/directory/refuse-structure-change";
import { readJson } from "../json-errors";
import { lockMember } from "../../services/access/lock-member";
import { SetRoleInput, setMemberRole } from "../../services/access/set-member-role";
import { callerOf } from "../session-auth";
import { operation, type Operation } from "../operation";
import {
  AuditPage,
  Departments,
  Job,
  JobList,
  LockedMember,
  Member,
  MemberPage,
  Policy,
  RoleChange,
  StagedPage,
  SyncStarted,
} from "../responses/directory";

const id = (v: string) => (/^\d{1,15}$/.test(v) ? Number(v) : NaN);

/** Answers `verb(deps, caller, slug, id)` for a `…/:id…` path. */
const byId = (verb: (deps: Deps, caller: Caller, slug: string, id: number) => Promise<object>) => async (c: Context<AppEnv>) =>
  c.json(await verb(c.env.deps, callerOf(c), c.req.param("slug") ?? "", id(c.req.param("id") ?? "")));

const JOB = { id: "the job's id" };
const MEMBER = { id: "the member's id" };
const teamOp = (tags: string[], op: Omit<Operation, "access" | "tags">) => operation({ ...op, tags, access: "team_admin" });
const jobs = (op: Omit<Operation, "access" | "tags">) => teamOp(["Jobs"], op);
const directory = (op: Omit<Operation, "access" | "tags">) => teamOp(["Directory"], op);

/** Import/sync jobs, the read-only mirror, deletion policy and the audit log (docs/http-api.md#jobs, docs/http-api.md#directory). */
export const directoryRoutes = new Hono<AppEnv>()
  .post(
    "/api/teams/:slug/sync",
    jobs({
      summary: "Start an import or sync",
      ok: { status: 202, description: "{job, progressUrl}; the open job if one runs", body: SyncStarted },
      errors: ["not_bound"],
    }),
    async (c) => {
      const { job, progressUrl } = await startSync(c.env.deps, callerOf(c), c.req.param("slug"));
      return c.json({ job, progressUrl }, 202);
    },
  )
  .get(
    "/api/teams/:slug/jobs",
    jobs({ summary: "Job history, newest first", ok: { status: 200, description: "{items}", body: JobList } }),
    async (c) => c.json({ items: await listJobs(c.env.deps, callerOf(c), c.req.param("slug")) }),
  )
  .get(
    "/api/teams/:slug/jobs/:id",
    jobs({ summary: "One job", params: JOB, ok: { status: 200, description: "the job", body: Job }, errors: ["not_found"] }),
    byId(getJob),
  )
  .get(
    "/api/teams/:slug/jobs/:id/staged",
    jobs({
      summary: "The deprovisions a tripped breaker holds",
      params: JOB,
      query: StagedQuery,
      ok: { status: 200, description: "{items, nextCursor}", body: StagedPage },
      errors: ["not_found"],
    }),
    async (c) => c.json(await listStaged(c.env.deps, callerOf(c), c.req.param("slug"), id(c.req.param("id")), c.req.query())),
  )
  .post(
    "/api/teams/:slug/jobs/:id/confirm",
    jobs({
      summary: "Confirm a tripped breaker: apply what it held",
      params: JOB,
      ok: { status: 200, description: "the job", body: Job },
      errors: ["not_found", "conflict"],
    }),
    byId((deps, caller, slug, job) => decideJob(deps, caller, slug, job, "confirm")),
  )
  .post(
    "/api/teams/:slug/jobs/:id/reject",
    jobs({
      summary: "Reject a tripped breaker: apply nothing it held",
      params: JOB,
      ok: { status: 200, description: "the job", body: Job },
      errors: ["not_found", "conflict"],
    }),
    byId((deps, caller, slug, job) => decideJob(deps, caller, slug, job, "reject")),
  )
  .post(
    "/api/teams/:slug/jobs/:id/cancel",
    jobs({
      summary: "Cancel an open job",
      params: JOB,
      ok: { status: 200, description: "the job", body: Job },
      errors: ["not_found", "conflict"],
    }),
    byId(cancelJob),
  )
  .get(
    "/api/teams/:slug/policy",
    directory({ summary: "The deletion policy", ok: { status: 200, description: "{onMemberDeleted}", body: Policy } }),
    async (c) => c.json(await getPolicy(c.env.deps, callerOf(c), c.req.param("slug"))),
  )
  .put(
    "/api/teams/:slug/policy",
    directory({
      summary: "Set the deletion policy",
      body: PolicyInput,
      ok: { status: 200, description: "{onMemberDeleted}", body: Policy },
    }),
    async (c) => c.json(await setPolicy(c.env.deps, callerOf(c), c.req.param("slug"), await readJson(c))),
  )
  .get(
    "/api/teams/:slug/departments",
    directory({
      summary: "The mirrored departments",
      ok: { status: 200, description: "{items: [{id, name, parentId, order}]}", body: Departments },
    }),
    async (c) => c.json(await listDepartments(c.env.deps, callerOf(c), c.req.param("slug"))),
  )
  .get(
    "/api/teams/:slug/members",
    directory({
      summary: "Members: filters, search and keyset paging",
      query: MemberQuery,
      ok: { status: 200, description: "{items, nextCursor, total}", body: MemberPage },
    }),
    async (c) => c.json(await listTeamMembers(c.env.deps, callerOf(c), c.req.param("slug"), c.req.query())),
  )
  .post(
    "/api/teams/:slug/members/:id/restore",
    directory({
      summary: "Undo a removal (within 30 days)",
      params: MEMBER,
      ok: { status: 200, description: "the member", body: Member },
      errors: ["not_found", "conflict"],
    }),
    byId((deps, caller, slug, member) => changeStanding(deps, caller, slug, member, "restore")),
  )
  .post(
    "/api/teams/:slug/members/:id/unlock",
    directory({
      summary: "Undo a lock",
      params: MEMBER,
      ok: { status: 200, description: "the member", body: Member },
      errors: ["not_found", "conflict"],
    }),
    byId((deps, caller, slug, member) => changeStanding(deps, caller, slug, member, "unlock")),
  )
  .post(
    "/api/teams/:slug/members/:id/lock",
    directory({
      summary: "Lock a member (an owner or admin: the owner only)",
      params: MEMBER,
      ok: { status: 200, description: "the member and their role", body: LockedMember },
      errors: ["not_found", "conflict"],
    }),
    byId((deps, caller, slug, member) => lockMember(deps, caller, slug, member)),
  )
  .put(
    "/api/teams/:slug/members/:id/role",
    directory({
      summary: "Make a member an admin or a plain member (the owner only)",
      params: MEMBER,
      body: SetRoleInput,
      ok: { status: 200, description: "{id, name, accountId, before, role, changed}", body: RoleChange },
      errors: ["not_found", "conflict"],
    }),
    async (c) => c.json(await setMemberRole(c.env.deps, callerOf(c), c.req.param("slug"), id(c.req.param("id")), await readJson(c))),
  )
  .get(
    "/api/teams/:slug/audit",
    directory({
      summary: "The audit log, newest first",
      query: AuditQuery,
      ok: { status: 200, description: "{items, nextCursor}", body: AuditPage },
    }),
    async (c) => c.json(await readAudit(c.env.deps, callerOf(c), c.req.param("slug"), c.req.query())),
  );

const managedByWecom = (c: Context<AppEnv>) => refuseStructureChange(c.env.deps, callerOf(c), c.req.param("slug") ?? "");
const refused = (summary: string, params?: Record<string, string>) =>
  directory({
    summary: `${summary}: refused, WeCom owns the structure`,
    ...(params ? { params } : {}),
    ok: { status: 409, description: "never succeeds" },
    errors: ["managed_by_wecom"],
  });

export const managedRoutes = new Hono<AppEnv>()
  .post("/api/teams/:slug/departments", refused("Create a department"), managedByWecom)
  .patch("/api/teams/:slug/departments/:id", refused("Change a department", { id: "the department's id" }), managedByWecom)
  .delete("/api/teams/:slug/departments/:id", refused("Delete a department", { id: "the department's id" }), managedByWecom)
  .patch("/api/teams/:slug/members/:id/departments", refused("Change a member's departments", MEMBER), managedByWecom)
  .put("/api/teams/:slug/members/:id/departments", refused("Set a member's departments", MEMBER), managedByWecom);
