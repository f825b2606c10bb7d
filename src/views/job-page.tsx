import { tr, useTimeZone } from "./lang";
import { formatTime } from "./time";
import type { JobWithTeam } from "../services/directory/read-jobs";
import { BreakerHeading, JobCounts, JobError, JobEstimateLine, RefreshWhileLive } from "./job-parts";
import { Bi, InLang, Layout } from "./layout";
import { liveJobScript, progressBar } from "./live-script";
import { isSettled, labelOf, percentOf, phaseLabel, phaseUnit, stateLabel, type Bilingual } from "./labels";

/** Why a run deprovisioned nobody (job view's `skippedDeprovisions`). */
const SKIP_REASONS: Record<string, Bilingual> = {
  partial_listing: {
    zh: "读取不完整（有请求失败），本次不处理离职成员。",
    en: "The listing was incomplete (a request failed), so this run deprovisions nobody.",
  },
  empty_listing: { zh: "企业微信返回的成员为空，本次不处理离职成员。", en: "WeCom listed no members, so this run deprovisions nobody." },
  listing_shrank: {
    zh: "可见成员比上次减少一半以上（应用的可见范围可能变小了），本次不处理离职成员。",
    en: "Visible members dropped by half or more since last time (the app's visibility range may have shrunk), so this run deprovisions nobody.",
  },
  rejected: {
    zh: "管理员拒绝了离职处理，本次不处理离职成员。",
    en: "An admin rejected the deprovisions, so this run deprovisions nobody.",
  },
};

/** The page follows a running job by itself (views/live-script.ts). */
const LIVE_SCRIPT = liveJobScript({ root: "job", prefix: "job", badge: true, counts: true });

function At(props: { iso: string }) {
  return <time datetime={props.iso}>{formatTime(props.iso, useTimeZone(), { seconds: true })}</time>;
}

export interface JobPageProps extends JobWithTeam {
  nonce: string;
  /** Where the live script listens (relative to the page), or absent for a settled job. */
  eventsUrl: string | undefined;
}

export function JobPage({ team, job, nonce, eventsUrl }: JobPageProps) {
  const live = !isSettled(job.state);
  const state = stateLabel(job.state);
  const phase = phaseLabel(job.progress.phase);
  const b = progressBar(job);
  const pct = percentOf({ state: job.state, done: job.progress.done, total: job.progress.total });
  const base = `/api/teams/${team.slug}/jobs/${job.id}`;
  const skip = job.skippedDeprovisions ? labelOf(SKIP_REASONS, job.skippedDeprovisions) : null;
  return (
    <Layout
      title={`${tr({ zh: `同步任务 #${job.id}（${state.zh}）`, en: `Sync job #${job.id} (${state.en})` })} · ${team.name}`}
      nonce={nonce}
      head={<RefreshWhileLive live={live} />}
    >
      <div class="card">
        <p class="muted">
          {team.name} <code>{team.slug}</code>
        </p>
        <h1>
          <Bi zh="同步任务" en="Sync job" /> #{job.id}
        </h1>
      </div>

      <section
        class="card"
        id="job"
        data-state={job.state}
        data-events={live ? eventsUrl : undefined}
        aria-labelledby="job-progress-heading"
      >
        <h2 id="job-progress-heading">
          <Bi zh="进度" en="Progress" />
        </h2>
        <p>
          <Bi zh="状态" en="State" />
          {": "}
          <strong id="job-state" class={`badge state-${job.state}`} role="status" aria-live="polite">
            <Bi {...state} />
          </strong>
        </p>
        <p>
          <Bi zh="阶段" en="Phase" />
          {": "}
          <span id="job-phase">
            <Bi {...phase} />
          </span>
        </p>
        <progress id="job-bar" max={b.max} value={b.value} aria-label={tr({ zh: "当前阶段进度", en: "Progress of the current phase" })}>
          {`${pct}%`}
        </progress>
        <p class="muted">
          <Bi zh="已处理" en="Done" />
          {": "}
          <span id="job-unit">
            <Bi {...phaseUnit(job.progress.phase)} />
          </span>{" "}
          <span id="job-done">{job.progress.done}</span>
          {tr({ zh: " / ", en: " of " })}
          <span id="job-total">{job.progress.total}</span> (<span id="job-pct">{pct}</span>%)
        </p>
        <JobEstimateLine job={job} prefix="job" />
        {live ? (
          <p class="muted">
            <Bi zh="本页自动更新。" en="This page updates by itself." />
          </p>
        ) : null}
        <p id="job-offline" class="muted" hidden>
          <Bi zh="实时更新已中断，请刷新页面。" en="Live updates stopped; reload the page." />
        </p>
      </section>

      <JobError job={job} />

      {job.state === "needs_confirmation" ? (
        <section class="card warn" aria-labelledby="job-breaker-heading">
          <BreakerHeading id="job-breaker-heading" />
          {job.breaker ? (
            <>
              <p>
                <InLang
                  zh={
                    <>
                      本次同步将对 <strong id="breaker-deprovisions">{job.breaker.deprovisions}</strong> 名成员做离职处理，超过安全上限{" "}
                      <strong id="breaker-threshold">{job.breaker.threshold}</strong>（当前活跃成员 {job.breaker.active} 名）。
                    </>
                  }
                  en={
                    <>
                      This run would deprovision <strong id="breaker-deprovisions">{job.breaker.deprovisions}</strong> members, more than
                      the safety limit of <strong id="breaker-threshold">{job.breaker.threshold}</strong> ({job.breaker.active} active
                      members).
                    </>
                  }
                />
              </p>
            </>
          ) : null}
          <p>
            <Bi
              zh="同步已在写入前暂停。管理员允许后，这些离职处理与其他变更一起写入；拒绝后，只写入其他变更，不处理任何人离职。"
              en="The sync stopped before writing anything. If an admin allows it, these deprovisions are applied with the other changes; if an admin rejects it, only the other changes are applied and nobody is deprovisioned."
            />
          </p>
          <p>
            {/* Relative to /teams/:slug/jobs/:id, so it also works when PUBLIC_URL has a path prefix. */}
            <a id="decide-in-console" href={`../sync/${job.id}`}>
              <Bi zh="在控制台中查看名单并允许或拒绝" en="See the list and allow or reject in the console" />
            </a>
          </p>
          <ul>
            <li>
              <Bi zh="查看名单" en="List them" />: <code>GET {base}/staged</code>
            </li>
            <li>
              <Bi zh="允许" en="Allow" />: <code>POST {base}/confirm</code>
            </li>
            <li>
              <Bi zh="拒绝" en="Reject" />: <code>POST {base}/reject</code>
            </li>
          </ul>
          <p class="muted">
            <InLang
              zh={
                <>
                  控制台需要以团队所有者或管理员身份登录；这些接口需要 <code>Authorization: Bearer</code> 管理令牌。
                </>
              }
              en={
                <>
                  The console needs you signed in as the team's owner or an admin; these calls take the admin token as{" "}
                  <code>Authorization: Bearer</code>.
                </>
              }
            />
          </p>
        </section>
      ) : null}

      {skip ? (
        <section class="card warn">
          <p>
            <Bi {...skip} />
          </p>
        </section>
      ) : null}

      <JobCounts job={job} headingId="job-counts-heading" />

      <p class="muted">
        <Bi zh="开始于" en="Started" />: <At iso={job.createdAt} />
        {job.finishedAt ? (
          <>
            <br />
            <Bi zh="结束于" en="Finished" />: <At iso={job.finishedAt} />
          </>
        ) : null}
      </p>

      {live ? <script nonce={nonce} dangerouslySetInnerHTML={{ __html: LIVE_SCRIPT }} /> : null}
    </Layout>
  );
}
