import type { JobView } from "../../services/directory/job-view";
import { isSettled, PHASE_LABELS, percentOf, phaseLabel, SETTLED_STATES } from "../labels";
import { Bi } from "../layout";
import { JobBadge } from "./parts";

const json = (v: unknown): string => JSON.stringify(v).replace(/</g, "\\u003c");

/**
 * The job page's live pattern (views/job-page.tsx) on a console card: an EventSource on the job's
 * events stream moves the bar and the numbers; when the job settles the page reloads once to show
 * the server's result. Static text: the URL comes from a data attribute.
 */
export const LIVE_JOB_SCRIPT = `(function(){
var root=document.getElementById("live-job"),url=root&&root.getAttribute("data-events");
if(!url)return;
if(!window.EventSource){setTimeout(function(){location.reload()},2000);return}
var SETTLED=${json(SETTLED_STATES)},P=${json(PHASE_LABELS)};
function txt(id,v){var el=document.getElementById(id);if(el)el.textContent=String(v)}
var es=new EventSource(url);
es.addEventListener("progress",function(e){
var v;try{v=JSON.parse(e.data)}catch(_){return}
var p=v.progress,b=document.getElementById("live-bar"),ok=v.state==="succeeded";
var pct=ok?100:p.total>0?Math.max(0,Math.min(100,Math.floor(p.done*100/p.total))):0;
if(ok){b.max=Math.max(p.total,1);b.value=b.max}else if(p.total>0){b.max=p.total;b.value=Math.min(p.done,p.total)}else{b.removeAttribute("value")}
txt("live-done",p.done);txt("live-total",p.total);txt("live-pct",pct);
var l=P[p.phase]||{zh:p.phase,en:p.phase},ph=document.getElementById("live-phase");if(ph){ph.querySelector(".zh").textContent=l.zh;ph.querySelector(".en").textContent=l.en}
if(SETTLED.indexOf(v.state)>=0){es.close();location.reload()}
});
es.onerror=function(){if(es.readyState===2){var n=document.getElementById("live-offline");if(n)n.hidden=false}};
})();`;

export function LiveJob(props: { job: JobView; eventsUrl: string; pageUrl: string; detailUrl: string }) {
  const { job } = props;
  const live = !isSettled(job.state);
  const pct = percentOf({ state: job.state, done: job.progress.done, total: job.progress.total });
  const { done, total } = job.progress;
  const max = Math.max(total, 1);
  const value = job.state === "succeeded" ? max : total > 0 ? Math.min(done, total) : undefined;
  const phase = phaseLabel(job.progress.phase);
  return (
    <section class="card" id="live-job" data-state={job.state} data-events={live ? props.eventsUrl : undefined} aria-labelledby="live-heading">
      <h2 id="live-heading">
        <Bi zh="同步任务" en="Sync job" /> #{job.id} <JobBadge state={job.state} />
      </h2>
      <p>
        <Bi zh="阶段" en="Phase" />:{" "}
        <span id="live-phase">
          <Bi {...phase} />
        </span>
      </p>
      <progress id="live-bar" max={max} value={value} aria-label="同步进度 / Sync progress">{`${pct}%`}</progress>
      <p role="status" aria-live="polite">
        <span id="live-done">{done}</span> / <span id="live-total">{total}</span> (<span id="live-pct">{pct}</span>%)
      </p>
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
