import type { JobView } from "../services/directory/job-view";
import { ESTIMATE_LABELS, PHASE_LABELS, PHASE_UNITS, SETTLED_STATES, STATE_LABELS } from "./labels";

/** JSON that is safe inside an inline <script>: no `</script>`, no line separators JS would choke on. */
const jsonForScript = (v: unknown): string =>
  JSON.stringify(v)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");

/** `<progress>` attributes: determinate once the phase knows its total, complete when succeeded. */
export function progressBar(job: JobView): { max: number; value: number | undefined } {
  const { done, total } = job.progress;
  if (job.state === "succeeded") return { max: Math.max(total, 1), value: Math.max(total, 1) };
  if (total > 0) return { max: total, value: Math.min(done, total) };
  return { max: 1, value: undefined };
}

/**
 * Live updates for browsers with JavaScript, shared by the job page and the console's job card: an
 * EventSource on the root's `data-events` URL moves the bar, phase and numbers (`<prefix>-bar`,
 * `-phase`, `-done`, `-total`, `-pct`, `-eta` (hidden without an estimate), and with `badge` the state `<prefix>-state`, with `counts`
 * the `count-<group>-<key>` cells) in place; once the job settles the page reloads once to show
 * the server's result. Static text: the URL comes from a data attribute, never from the script.
 * The bar and percentage follow progressBar() and labels.ts percentOf(), the estimate estimateLabel(); labels are in the page's
 * language (the `lang` of <html>).
 */
export function liveJobScript(o: { root: string; prefix: string; badge?: boolean; counts?: boolean }): string {
  const id = (name: string) => jsonForScript(`${o.prefix}-${name}`);
  return `(function(){
var root=document.getElementById(${jsonForScript(o.root)}),url=root&&root.getAttribute("data-events");
if(!url)return;
if(!window.EventSource){setTimeout(function(){location.reload()},2000);return}
var S=${jsonForScript(o.badge ? STATE_LABELS : {})},P=${jsonForScript(PHASE_LABELS)},U=${jsonForScript(PHASE_UNITS)},E=${jsonForScript(ESTIMATE_LABELS)},SETTLED=${jsonForScript(SETTLED_STATES)};
function $(id){return document.getElementById(id)}
function label(m,k){return m[k]||{zh:k,en:k}}
var LANG=document.documentElement&&document.documentElement.lang==="en"?"en":"zh";
function bi(id,l){var el=$(id);if(el)el.textContent=l[LANG]}
function txt(id,v){var el=$(id);if(el)el.textContent=String(v)}
function show(v){
var p=v.progress,b=$(${id("bar")}),ok=v.state==="succeeded";
${o.badge ? `bi(${id("state")},label(S,v.state));$(${id("state")}).className="badge state-"+v.state;` : ""}
bi(${id("phase")},label(P,p.phase));bi(${id("unit")},label(U,p.phase));
if(ok){b.max=Math.max(p.total,1);b.value=b.max}else if(p.total>0){b.max=p.total;b.value=Math.min(p.done,p.total)}else{b.removeAttribute("value")}
txt(${id("done")},p.done);txt(${id("total")},p.total);
txt(${id("pct")},ok?100:p.total>0?Math.max(0,Math.min(100,Math.floor(p.done*100/p.total))):0);
var eta=$(${id("eta")}),e=v.estimate;if(eta){eta.hidden=!e;if(e){var n=Math.round(e.seconds/60);eta.textContent=(n<1?E.soon:E[e.bound])[LANG].replace("{n}",n).replace("{b}",e.callsPerMinute.toLocaleString("en-US"))}}
${o.counts ? `for(var g in v.counts)for(var k in v.counts[g])txt("count-"+g+"-"+k,v.counts[g][k]);` : ""}
}
var es=new EventSource(url);
es.addEventListener("progress",function(e){
var v;try{v=JSON.parse(e.data)}catch(_){return}
show(v);
if(SETTLED.indexOf(v.state)>=0){es.close();location.reload()}
});
es.onerror=function(){if(es.readyState===2){var n=$(${id("offline")});if(n)n.hidden=false}};
})();`;
}
