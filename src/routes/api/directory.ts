import { Hono, type Context } from "hono";
import type { AppEnv } from "../../deps";
import { cancelJob } from "../../services/directory/cancel-job";
import { decideJob } from "../../services/directory/decide-job";
import { changeStanding } from "../../services/directory/member-standing";
import { getPolicy, setPolicy } from "../../services/directory/policy";
import { readAudit } from "../../services/directory/read-audit";
import { listDepartments, listTeamMembers } from "../../services/directory/read-directory";
import { getJob, listJobs, listStaged } from "../../services/directory/read-jobs";
import { startSync } from "../../services/directory/start-sync";
import { refuseStructureChange } from "../../services/directory/refuse-structure-change";
import { readJson } from "../json-errors";
import { callerOf } from "../session-auth";

const id = (v: string) => (/^\d{1,15}$/.test(v) ? Number(v) : NaN);

/** Import/sync jobs, the read-only mirror, deletion policy and the audit log (docs/http-api.md#jobs, docs/http-api.md#directory). */
export const directoryRoutes = new Hono<AppEnv>()
  .post("/api/teams/:slug/sync", async (c) => {
    const { job, progressUrl } = await startSync(c.env.deps, callerOf(c), c.req.param("slug"));
    return c.json({ job, progressUrl }, 202);
  })
  .get("/api/teams/:slug/jobs", async (c) => c.json({ items: await listJobs(c.env.deps, callerOf(c), c.req.param("slug")) }))
  .get("/api/teams/:slug/jobs/:id", async (c) => c.json(await getJob(c.env.deps, callerOf(c), c.req.param("slug"), id(c.req.param("id")))))
  .get("/api/teams/:slug/jobs/:id/staged", async (c) =>
    c.json(await listStaged(c.env.deps, callerOf(c), c.req.param("slug"), id(c.req.param("id")), { cursor: c.req.query("cursor"), limit: c.req.query("limit") })),
  )
  .post("/api/teams/:slug/jobs/:id/confirm", async (c) => c.json(await decideJob(c.env.deps, callerOf(c), c.req.param("slug"), id(c.req.param("id")), "confirm")))
  .post("/api/teams/:slug/jobs/:id/reject", async (c) => c.json(await decideJob(c.env.deps, callerOf(c), c.req.param("slug"), id(c.req.param("id")), "reject")))
  .post("/api/teams/:slug/jobs/:id/cancel", async (c) => c.json(await cancelJob(c.env.deps, callerOf(c), c.req.param("slug"), id(c.req.param("id")))))
  .get("/api/teams/:slug/policy", async (c) => c.json(await getPolicy(c.env.deps, callerOf(c), c.req.param("slug"))))
  .put("/api/teams/:slug/policy", async (c) => c.json(await setPolicy(c.env.deps, callerOf(c), c.req.param("slug"), await readJson(c))))
  .get("/api/teams/:slug/departments", async (c) => c.json(await listDepartments(c.env.deps, callerOf(c), c.req.param("slug"))))
  .get("/api/teams/:slug/members", async (c) => c.json(await listTeamMembers(c.env.deps, callerOf(c), c.req.param("slug"), c.req.query())))
  .post("/api/teams/:slug/members/:id/restore", async (c) =>
    c.json(await changeStanding(c.env.deps, callerOf(c), c.req.param("slug"), id(c.req.param("id")), "restore")),
  )
  .post("/api/teams/:slug/members/:id/unlock", async (c) =>
    c.json(await changeStanding(c.env.deps, callerOf(c), c.req.param("slug"), id(c.req.param("id")), "unlock")),
  )
  .get("/api/teams/:slug/audit", async (c) => c.json(await readAudit(c.env.deps, callerOf(c), c.req.param("slug"), c.req.query())));

const managedByWecom = (c: Context<AppEnv>) => refuseStructureChange(c.env.deps, callerOf(c), c.req.param("slug") ?? "");

export const managedRoutes = new Hono<AppEnv>()
  .post("/api/teams/:slug/departments", managedByWecom)
  .patch("/api/teams/:slug/departments/:id", managedByWecom)
  .delete("/api/teams/:slug/departments/:id", managedByWecom)
  .patch("/api/teams/:slug/members/:id/departments", managedByWecom)
  .put("/api/teams/:slug/members/:id/departments", managedByWecom);
