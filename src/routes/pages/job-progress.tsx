import { randomBytes } from "node:crypto";
import { Hono, type Context } from "hono";
import { streamSSE, type SSEStreamingApi } from "hono/streaming";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv, Deps } from "../../deps";
import { AppError } from "../../errors";
import type { Actor } from "../../services/actor";
import type { JobView } from "../../services/directory/job-view";
import { getJob, getJobWithTeam } from "../../services/directory/read-jobs";
import { JOB_PROGRESS_PURPOSE, JOB_PROGRESS_TTL_MS, jobProgressSubject, signLink } from "../../security/signed-link";
import { JobPage } from "../../views/job-page";
import { isSettled } from "../../views/labels";
import { StatusPage, type StatusKind } from "../../views/status-page";
import { html } from "./form-kit";
import { jobPageAccess, pageHeaders } from "./page-access";

const operator: Actor = { kind: "operator" };
const JOB_ID = /^\d{1,15}$/;

/** Stream cadence (on the deps' ticker): poll each second, a comment every 15 quiet seconds, close after ~5 minutes. */
const EVENTS = { pollMs: 1000, keepAliveTicks: 15, maxTicks: 300, retryMs: 2000 };

const STATUS: Record<StatusKind, ContentfulStatusCode> = { forbidden: 403, not_found: 404, internal: 500 };

function statusPage(c: Context<AppEnv>, kind: StatusKind, nonce: string): Promise<Response> {
  return html(c, <StatusPage kind={kind} nonce={nonce} />, STATUS[kind]);
}

const isMissing = (err: unknown): boolean => err instanceof AppError && err.status === 404;

/** Calls `fn` once `ms` from now, on the deps' ticker where there is one; answers how to cancel. */
function afterPeriod(deps: Deps, ms: number, fn: () => void): () => void {
  if (deps.ticker) return deps.ticker.every(ms, fn);
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
}

/** Polls the job through `getJob` and sends it whenever it changes, until it settles. */
async function pumpJob(stream: SSEStreamingApi, deps: Deps, slug: string, jobId: number, first: JobView): Promise<void> {
  let open = true;
  let wake = () => {};
  stream.onAbort(() => {
    open = false;
    wake();
  });
  let view = first;
  let sent = "";
  let quiet = 0;
  for (let tick = 0; open; tick++) {
    const data = JSON.stringify(view);
    if (data !== sent) {
      await stream.writeSSE({ event: "progress", data, ...(tick === 0 ? { retry: EVENTS.retryMs } : {}) });
      sent = data;
      quiet = 0;
    } else if (++quiet % EVENTS.keepAliveTicks === 0) {
      await stream.write(": keep-alive\n\n");
    }
    // After the final state (or a decision point) the stream ends; after ~5 minutes the client reconnects.
    if (isSettled(view.state) || tick + 1 >= EVENTS.maxTicks) return;
    // One period on the ticker (timers in production, the test's hand in tests); a client that
    // goes away ends the wait at once and leaves no timer behind.
    await new Promise<void>((resolve) => {
      const stop = afterPeriod(deps, EVENTS.pollMs, () => wake());
      wake = () => {
        stop();
        resolve();
      };
    });
    if (!open) return;
    view = await getJob(deps, operator, slug, jobId);
  }
}

/** The live progress page of a sync job (docs/sync.md#job-steps), reached by a capability link or the admin token. */
export const jobPageRoutes = new Hono<AppEnv>()
  .get("/teams/:slug/jobs/:id", async (c) => {
    const { slug, id } = c.req.param();
    const nonce = randomBytes(16).toString("base64");
    pageHeaders(c, nonce);
    const access = await jobPageAccess(c, slug, id);
    if (!access) return statusPage(c, "forbidden", nonce);
    if (!JOB_ID.test(id)) return statusPage(c, "not_found", nonce);
    const deps = c.env.deps;
    try {
      const data = await getJobWithTeam(deps, operator, slug, Number(id));
      // The admin's browser cannot send the bearer header on the EventSource: give it a link of its own.
      const token =
        access.via === "link"
          ? access.token
          : signLink(
              deps.config.appSecret,
              JOB_PROGRESS_PURPOSE,
              jobProgressSubject(data.team.slug, data.job.id),
              new Date(deps.clock.now().getTime() + JOB_PROGRESS_TTL_MS),
            );
      // Relative to /teams/:slug/jobs/:id, so it also works when PUBLIC_URL has a path prefix.
      const eventsUrl = `${data.job.id}/events?t=${encodeURIComponent(token)}`;
      return await html(c, <JobPage {...data} nonce={nonce} eventsUrl={eventsUrl} />, 200);
    } catch (err) {
      if (isMissing(err)) return statusPage(c, "not_found", nonce);
      deps.logger.error("job page failed", { path: c.req.path, error: err });
      return statusPage(c, "internal", nonce);
    }
  })
  .get("/teams/:slug/jobs/:id/events", async (c) => {
    const { slug, id } = c.req.param();
    c.header("Cache-Control", "no-store");
    c.header("Referrer-Policy", "no-referrer");
    if (!(await jobPageAccess(c, slug, id))) throw new AppError("forbidden", "链接无效或已过期 / The link is invalid or has expired");
    if (!JOB_ID.test(id)) throw new AppError("not_found", `任务 ${id} 不存在 / Job ${id} not found`);
    const deps = c.env.deps;
    const jobId = Number(id);
    // Read once before streaming, so an unknown team or job is a plain 404, not an empty stream.
    const first = await getJob(deps, operator, slug, jobId);
    c.header("X-Accel-Buffering", "no");
    return streamSSE(c, async (stream) => {
      try {
        await pumpJob(stream, deps, slug, jobId, first);
      } catch (err) {
        // The client reconnects after `retry`; nothing about the failure goes to it.
        deps.logger.error("job events stream failed", { slug, jobId, error: err });
      }
    });
  });
