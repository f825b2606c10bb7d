import { addWatcher } from "../../db/queries/bot-jobs";
import { jobProgressUrl } from "../../security/signed-link";
import type { JobState } from "../../services/directory/job-view";
import { getJob, latestJobSince } from "../../services/directory/read-jobs";
import { startSync } from "../../services/directory/start-sync";
import { defineCommand, noArgs, type BotContext } from "../command";
import { reportJobNow } from "../job-reports";
import { overallPercent, stateLine, verbText } from "../job-text";

type Started = {
  jobId: number;
  created: boolean;
  state: JobState;
  line: { zh: string; en: string };
  progressUrl: string;
};

/**
 * Starts the job, or finds the one this very message started on an earlier run (a handler may run
 * twice for one message; a finished job must not be followed by a second one), and makes the
 * sender its watcher.
 */
async function start(ctx: BotContext, verb: "import" | "sync"): Promise<Started> {
  const { deps, team, actor } = ctx;
  const earlier = ctx.fresh ? null : await latestJobSince(deps.db, team.id, ctx.firstSeenAt);
  const { job, created, progressUrl } =
    earlier !== null
      ? {
          job: await getJob(deps, actor, team.slug, earlier),
          created: true,
          progressUrl: jobProgressUrl(deps.config, team.slug, earlier, deps.clock.now()),
        }
      : await startSync(deps, actor, team.slug);
  const row = { id: job.id, state: job.state, phase: job.progress.phase, done: job.progress.done, total: job.progress.total };
  await addWatcher(deps.db, {
    jobId: job.id,
    teamId: team.id,
    userId: actor.userId,
    lang: ctx.lang,
    verb,
    percent: overallPercent(row),
    now: deps.clock.now(),
  });
  return { jobId: job.id, created, state: job.state, line: { zh: stateLine(row, "zh"), en: stateLine(row, "en") }, progressUrl };
}

function render(verb: "import" | "sync") {
  return (r: Started, ctx: BotContext): string => {
    const word = verbText(verb, ctx.lang);
    if (ctx.lang === "zh") {
      if (r.created) return `已开始${word}（任务 #${r.jobId}）。我会报告进度，完成后发送结果。\n进度页：${r.progressUrl}`;
      if (r.state === "needs_confirmation")
        return `已有任务在等待管理员确认：${r.line.zh}。请在确认卡片或进度页上允许或拒绝。\n进度页：${r.progressUrl}`;
      return `已有任务在进行：${r.line.zh}。完成后我会发送结果。\n进度页：${r.progressUrl}`;
    }
    if (r.created)
      return `${word} started (job #${r.jobId}). I will report progress and send a summary when it is done.\nProgress: ${r.progressUrl}`;
    if (r.state === "needs_confirmation")
      return `A job is waiting for an admin: ${r.line.en}. Allow or reject it on the confirmation card or the progress page.\nProgress: ${r.progressUrl}`;
    return `A job is already running: ${r.line.en}. I will send a summary when it is done.\nProgress: ${r.progressUrl}`;
  };
}

function syncLike(verb: "import" | "sync", aliases: string[], summary: { zh: string; en: string }) {
  return defineCommand<null, Started>({
    name: verb,
    aliases,
    usage: { zh: "", en: "" },
    summary,
    adminOnly: true,
    parse: noArgs,
    run: (ctx) => start(ctx, verb),
    render: render(verb),
    // A job that settled before the sender became its watcher still gets its summary.
    after: (ctx, r) => reportJobNow(ctx.deps, r.jobId),
  });
}

export const importCommand = syncLike("import", ["导入"], {
  zh: "从企业微信导入成员和部门",
  en: "import members and departments from WeCom",
});
export const syncCommand = syncLike("sync", ["同步"], { zh: "与企业微信同步成员和部门", en: "sync members and departments with WeCom" });
