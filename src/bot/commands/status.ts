import { jobProgressUrl } from "../../security/signed-link";
import { getJob, listJobs } from "../../services/directory/read-jobs";
import type { JobCounts, JobState, JobView } from "../../services/directory/job-view";
import { defineCommand, type Parsed } from "../command";
import { reportJobNow } from "../job-reports";
import { countsLine, stateLine } from "../job-text";
import { pickMessage } from "../lang";

type Status = {
  job: {
    id: number;
    state: JobState;
    line: { zh: string; en: string };
    counts: JobCounts;
    error: string | null;
    progressUrl: string;
  } | null;
};

/** `进度` (latest job) or `进度 12` / `进度 #12`. */
function parse(args: string[]): Parsed<number | null> {
  if (args.length === 0) return { ok: true, args: null };
  const m = args.length === 1 ? /^#?(\d{1,15})$/.exec(args[0]!) : null;
  return m ? { ok: true, args: Number(m[1]) } : { ok: false, problem: { zh: "任务号应为数字。", en: "A job number is a number." } };
}

function view(job: JobView, progressUrl: string): NonNullable<Status["job"]> {
  const row = { id: job.id, state: job.state, phase: job.progress.phase, done: job.progress.done, total: job.progress.total };
  return {
    id: job.id,
    state: job.state,
    line: { zh: stateLine(row, "zh"), en: stateLine(row, "en") },
    counts: job.counts,
    error: job.error?.message ?? null,
    progressUrl,
  };
}

export const statusCommand = defineCommand<number | null, Status>({
  name: "status",
  aliases: ["进度"],
  usage: { zh: "[任务号]", en: "[job number]" },
  summary: { zh: "查看最近一次（或指定的）同步任务", en: "show the latest (or the given) sync job" },
  adminOnly: true,
  parse,
  run: async (ctx, id) => {
    const { deps, team, actor } = ctx;
    const job = id === null ? ((await listJobs(deps, actor, team.slug))[0] ?? null) : await getJob(deps, actor, team.slug, id);
    return { job: job ? view(job, jobProgressUrl(deps.config, team.slug, job.id, deps.clock.now())) : null };
  },
  render: ({ job }, { lang }) => {
    if (!job) return lang === "zh" ? "还没有同步任务。发送「同步」开始。" : "No sync job yet. Send “sync” to start one.";
    const error = job.error ? `\n${lang === "zh" ? "错误" : "Error"}: ${pickMessage(job.error, lang)}` : "";
    const waiting =
      job.state === "needs_confirmation"
        ? lang === "zh"
          ? "\n请在确认卡片或进度页上允许或拒绝。"
          : "\nAllow or reject it on the confirmation card or the progress page."
        : "";
    const counts = countsLine(job.counts, lang);
    return lang === "zh"
      ? `${job.line.zh}\n变更：${counts}${error}${waiting}\n进度页：${job.progressUrl}`
      : `${job.line.en}\nChanges: ${counts}${error}${waiting}\nProgress: ${job.progressUrl}`;
  },
  // A card or summary that could not be sent earlier gets another chance.
  after: async (ctx, { job }) => {
    if (job) await reportJobNow(ctx.deps, job.id);
  },
});
