import { Hono, type Context } from "hono";
import type { AppEnv } from "../../../deps";
import { AppError } from "../../../errors";
import { decideJob } from "../../../services/directory/decide-job";
import { getJob, listJobs, listStaged } from "../../../services/directory/read-jobs";
import { startSync } from "../../../services/directory/start-sync";
import { getBinding } from "../../../services/teams/get-binding";
import { JOB_PROGRESS_PURPOSE, JOB_PROGRESS_TTL_MS, jobProgressSubject, signLink } from "../../../security/signed-link";
import { teamHref } from "../../../views/console/shell";
import { JobDetailPage, SyncPage, type LiveLinks } from "../../../views/console/sync-page";
import { callerOf } from "../../session-auth";
import { html } from "../form-kit";
import { consoleOf, handlePost, signedIn, statusPage, teamAdmin } from "./gate";
import { consoleForm, flashOf, idOf, withFlash } from "./kit";

/**
 * The job's progress page and its events stream (routes/pages/job-progress.tsx) take a capability
 * link; the signed-in admin's browser gets one of its own for the job it follows.
 */
function liveLinks(c: Context<AppEnv>, slug: string, jobId: number): LiveLinks {
  const { config, clock } = c.env.deps;
  const token = encodeURIComponent(
    signLink(
      config.appSecret,
      JOB_PROGRESS_PURPOSE,
      jobProgressSubject(slug, jobId),
      new Date(clock.now().getTime() + JOB_PROGRESS_TTL_MS),
    ),
  );
  const page = teamHref(consoleOf(c).base, slug, `/jobs/${jobId}`);
  return { eventsUrl: `${page}/events?t=${token}`, pageUrl: `${page}?t=${token}` };
}

const missingJob = (id: string) => new AppError("not_found", `任务 ${id} 不存在 / Job ${id} not found`);

/** Import and sync: start, follow live, history, and the breaker's allow/reject with the staged list. */
export const syncConsole = new Hono<AppEnv>()
  .get("/teams/:slug/sync", signedIn, teamAdmin, async (c) => {
    const ctx = consoleOf(c);
    const deps = c.env.deps;
    const [binding, jobs] = await Promise.all([getBinding(deps, callerOf(c), ctx.slug), listJobs(deps, callerOf(c), ctx.slug)]);
    const wanted = idOf(c.req.query("job"));
    const job = jobs.find((j) => j.id === wanted) ?? jobs.find((j) => j.state === "queued" || j.state === "running");
    const current = job ? { job, links: liveLinks(c, ctx.slug, job.id) } : undefined;
    return html(c, <SyncPage {...ctx} team={ctx.team} bound={binding.bound} jobs={jobs} current={current} flash={flashOf(c)} />);
  })
  .post("/teams/:slug/sync", consoleForm, signedIn, teamAdmin, (c) =>
    handlePost(c, async () => {
      const ctx = consoleOf(c);
      const { job, created } = await startSync(c.env.deps, callerOf(c), ctx.slug);
      return c.redirect(withFlash(teamHref(ctx.base, ctx.slug, `/sync?job=${job.id}`), created ? "sync_started" : "sync_open"), 303);
    }),
  )
  .get("/teams/:slug/sync/:id", signedIn, teamAdmin, async (c) => {
    const ctx = consoleOf(c);
    const id = idOf(c.req.param("id"));
    if (Number.isNaN(id)) return statusPage(c, missingJob(c.req.param("id")));
    try {
      const job = await getJob(c.env.deps, callerOf(c), ctx.slug, id);
      const after = Math.max(0, idOf(c.req.query("after")) || 0);
      const staged =
        job.state === "needs_confirmation"
          ? { ...(await listStaged(c.env.deps, callerOf(c), ctx.slug, id, { cursor: String(after) })), after }
          : null;
      return await html(
        c,
        <JobDetailPage {...ctx} team={ctx.team} job={job} links={liveLinks(c, ctx.slug, id)} staged={staged} flash={flashOf(c)} />,
      );
    } catch (err) {
      if (err instanceof AppError && err.status === 404) return statusPage(c, err);
      throw err;
    }
  })
  .post("/teams/:slug/sync/:id/:decision{confirm|reject}", consoleForm, signedIn, teamAdmin, (c) =>
    handlePost(c, async () => {
      const ctx = consoleOf(c);
      const decision = c.req.param("decision") === "confirm" ? "confirm" : "reject";
      const id = idOf(c.req.param("id"));
      if (Number.isNaN(id)) throw missingJob(c.req.param("id"));
      await decideJob(c.env.deps, callerOf(c), ctx.slug, id, decision);
      return c.redirect(withFlash(teamHref(ctx.base, ctx.slug, `/sync?job=${id}`), decision === "confirm" ? "confirmed" : "rejected"), 303);
    }),
  );
