import { tr } from "../lang";
import type { JobView } from "../../services/directory/job-view";
import { isSettled, percentOf, phaseLabel, phaseUnit } from "../labels";
import { Bi } from "../layout";
import { liveJobScript, progressBar } from "../live-script";
import { JobEstimateLine } from "../job-parts";
import { JobBadge } from "./parts";

/** The job page's live pattern (views/live-script.ts) on a console card. */
export const LIVE_JOB_SCRIPT = liveJobScript({ root: "live-job", prefix: "live" });

export function LiveJob(props: { job: JobView; eventsUrl: string; pageUrl: string; detailUrl: string }) {
  const { job } = props;
  const live = !isSettled(job.state);
  const pct = percentOf({ state: job.state, done: job.progress.done, total: job.progress.total });
  const { done, total } = job.progress;
  const { max, value } = progressBar(job);
  const phase = phaseLabel(job.progress.phase);
  return (
    <section
      class="card"
      id="live-job"
      data-state={job.state}
      data-events={live ? props.eventsUrl : undefined}
      aria-labelledby="live-heading"
    >
      <h2 id="live-heading">
        <Bi zh="同步任务" en="Sync job" /> #{job.id} <JobBadge state={job.state} />
      </h2>
      <p>
        <Bi zh="阶段" en="Phase" />:{" "}
        <span id="live-phase">
          <Bi {...phase} />
        </span>
      </p>
      <progress id="live-bar" max={max} value={value} aria-label={tr({ zh: "同步进度", en: "Sync progress" })}>{`${pct}%`}</progress>
      <p role="status" aria-live="polite">
        <span id="live-unit">
          <Bi {...phaseUnit(job.progress.phase)} />
        </span>{" "}
        <span id="live-done">{done}</span>
        {tr({ zh: " / ", en: " of " })}
        <span id="live-total">{total}</span> (<span id="live-pct">{pct}</span>%)
      </p>
      <JobEstimateLine job={job} prefix="live" />
      {live ? (
        <p class="muted">
          <Bi zh="本卡片自动更新。" en="This card updates by itself." />
        </p>
      ) : null}
      <p id="live-offline" class="muted" hidden>
        <Bi zh="实时更新已中断，请刷新页面。" en="Live updates stopped; reload the page." />
      </p>
      <p>
        <a href={props.detailUrl}>
          <Bi zh="任务详情与变更统计" en="Job details and counts" />
        </a>
        {" · "}
        <a href={props.pageUrl}>
          <Bi zh="可分享的进度页" en="Shareable progress page" />
        </a>
      </p>
    </section>
  );
}
