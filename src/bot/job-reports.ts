import { claimProgressReports, claimSummaries, releaseSummaries, type WatcherRow } from "../db/queries/bot-jobs";
import type { Deps } from "../deps";
import { jobProgressUrl } from "../security/signed-link";
import { mirrorTotals } from "../services/directory/read-directory";
import { findJobById, type JobRow } from "../services/directory/read-jobs";
import { boundTeamById } from "../services/directory/team-lookup";
import { offerDecision } from "./decision-card";
import { countsLine, overallPercent, stateLine, verbText } from "./job-text";
import { plural } from "../views/labels";
import { pickMessage } from "./lang";
import { sendText } from "./reply";

/** Progress reports in chat at most every 25 percentage points or 30 s: often enough to show movement, rare enough not to flood the admin. */
export const PROGRESS_STEP = 25;
export const PROGRESS_GAP_MS = 30_000;

const FINAL = new Set<JobRow["state"]>(["succeeded", "failed", "cancelled"]);

/**
 * Tells the bot's watchers where a job stands after a step: a progress line when one is due, the
 * summary once it settles, and the admins' Allow/Reject card when the breaker stops it. Every
 * report is claimed in PostgreSQL first, so a job observed twice reports once.
 */
export async function reportJob(deps: Deps, job: JobRow): Promise<void> {
  if (job.state === "needs_confirmation") {
    await offerDecision(deps, job);
    return;
  }
  const now = deps.clock.now();
  if (FINAL.has(job.state)) {
    const due = await claimSummaries(deps.db, { jobId: job.id, now });
    if (due.length > 0) await send(deps, job, due, summaryText, true);
    return;
  }
  if (job.state !== "running") return;
  const percent = overallPercent(job);
  const due = await claimProgressReports(deps.db, { jobId: job.id, percent, now, step: PROGRESS_STEP, minGapMs: PROGRESS_GAP_MS });
  if (due.length > 0) await send(deps, job, due, progressText, false);
}

/** The runner's hook (run-job.ts): a report that fails is logged, never fails the job. */
export async function reportJobSafely(deps: Deps, job: JobRow): Promise<void> {
  try {
    await reportJob(deps, job);
  } catch (err) {
    deps.logger.warn("bot job report failed", { jobId: job.id, state: job.state, error: err });
  }
}

/** Reads the job and reports on it: for commands that look at a job outside its runner. */
export async function reportJobNow(deps: Deps, jobId: number): Promise<void> {
  const job = await findJobById(deps.db, jobId);
  if (job) await reportJob(deps, job);
}

/** What the mirror holds now: a run that changed nothing still says how much it checked. */
interface Totals {
  members: number;
  departments: number;
}

type Render = (job: JobRow, w: WatcherRow, url: string, totals: Totals | null) => string;

const changedNothing = (job: JobRow): boolean =>
  [...Object.values(job.counts.departments), ...Object.values(job.counts.members)].every((n) => n === 0);

async function send(deps: Deps, job: JobRow, watchers: WatcherRow[], render: Render, releaseOnFailure: boolean): Promise<void> {
  const found = await boundTeamById(deps.db, job.teamId);
  if (!found) return;
  const totals = job.state === "succeeded" && changedNothing(job) ? await mirrorTotals(deps.db, job.teamId) : null;
  const url = jobProgressUrl(deps.config, found.team.slug, job.id, deps.clock.now());
  const failed: string[] = [];
  for (const w of watchers) {
    try {
      await sendText(deps, found.binding, [w.userId], render(job, w, url, totals));
    } catch (err) {
      failed.push(w.userKey);
      deps.logger.warn("bot job report not sent", { jobId: job.id, userId: w.userId, error: err });
    }
  }
  if (releaseOnFailure && failed.length > 0) await releaseSummaries(deps.db, { jobId: job.id, userKeys: failed });
}

const progressText: Render = (job, w) => {
  const word = verbText(w.verb, w.lang);
  return w.lang === "zh" ? `${word}进行中：${stateLine(job, "zh")}` : `${word} in progress: ${stateLine(job, "en")}`;
};

const summaryText: Render = (job, w, url, totals) => {
  const lang = w.lang;
  const word = verbText(w.verb, lang);
  const counts = totals
    ? lang === "zh"
      ? `无变化（共 ${totals.members} 名成员、${totals.departments} 个部门，均与企业微信一致）`
      : `no changes (${plural(totals.members, "member", "members")} and ${plural(totals.departments, "department", "departments")}, all as in WeCom)`
    : countsLine(job.counts, lang);
  const error = job.error ? pickMessage(job.error.message, lang) : "";
  if (lang === "zh") {
    const head =
      job.state === "succeeded"
        ? `${word}完成（#${job.id}）：${counts}。`
        : job.state === "failed"
          ? `${word}失败（#${job.id}）：${error}。已完成的部分：${counts}。`
          : `${word}已取消（#${job.id}）。已完成的部分：${counts}。`;
    const note = job.state === "succeeded" && job.error ? `\n注意：${error}` : "";
    return `${head}${note}\n详情：${url}`;
  }
  const head =
    job.state === "succeeded"
      ? `${word} finished (#${job.id}): ${counts}.`
      : job.state === "failed"
        ? `${word} failed (#${job.id}): ${error}. Done before it stopped: ${counts}.`
        : `${word} cancelled (#${job.id}). Done before it stopped: ${counts}.`;
  const note = job.state === "succeeded" && job.error ? `\nNote: ${error}` : "";
  return `${head}${note}\nDetails: ${url}`;
};
