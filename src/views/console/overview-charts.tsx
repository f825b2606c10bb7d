import type { JobView } from "../../services/directory/job-view";
import { stateLabel, type Bilingual } from "../labels";
import { Bi } from "../layout";
import { tr } from "../lang";
import { Time } from "./parts";
import { memberStatus } from "./text";

/**
 * The overview's two figures, drawn on the server as inline SVG (no script, no library). The SVGs
 * have no viewBox: bars are placed in percent of the width and text keeps its real size, so a
 * figure reads the same at 390 px and at 1280 px. Each is role="img" with a title and a
 * description in the page's language, and the numbers are on the page as text too. Bar colours
 * are ≥ 3:1 on white (WCAG 1.4.11); a legend names them, so colour is never the only cue.
 */

/** Fill per member status and per job state. */
const MEMBER_FILL: Record<string, string> = {
  imported: "#6b7280",
  invited: "#1d4ed8",
  active: "#15803d",
  locked: "#b45309",
  deauthorized: "#b91c1c",
  removed: "#1f2937",
};
const JOB_FILL: Record<string, string> = { succeeded: "#15803d", failed: "#b91c1c", cancelled: "#4b5563" };
const fillOf = (map: Record<string, string>, key: string) => map[key] ?? "#4b5563";

/** How many finished syncs the history figure shows. */
export const HISTORY_SIZE = 20;

export interface SyncPoint {
  id: number;
  state: string;
  finishedAt: string;
  seconds: number;
  changes: number;
}

/** The last finished jobs, oldest first: how long each ran and how much it changed. */
export function syncHistory(jobs: JobView[], size = HISTORY_SIZE): SyncPoint[] {
  const points: SyncPoint[] = [];
  for (const j of jobs) {
    if (!j.finishedAt) continue;
    const seconds = Math.max(0, (Date.parse(j.finishedAt) - Date.parse(j.createdAt)) / 1000);
    const changes = [...Object.values(j.counts.departments), ...Object.values(j.counts.members)].reduce((a, b) => a + b, 0);
    points.push({ id: j.id, state: j.state, finishedAt: j.finishedAt, seconds, changes });
    if (points.length === size) break;
  }
  return points.reverse();
}

/** "3.2 秒", "4 min 5 s", "1 h 2 min". */
export function duration(seconds: number): Bilingual {
  if (seconds < 60) {
    const s = seconds < 10 ? seconds.toFixed(1) : String(Math.round(seconds));
    return { zh: `${s} 秒`, en: `${s} s` };
  }
  const m = Math.floor(seconds / 60);
  if (m < 60) {
    const s = Math.round(seconds - m * 60);
    return { zh: `${m} 分 ${s} 秒`, en: `${m} min ${s} s` };
  }
  return { zh: `${Math.floor(m / 60)} 小时 ${m % 60} 分`, en: `${Math.floor(m / 60)} h ${m % 60} min` };
}

const changesText = (n: number): Bilingual => ({ zh: `${n} 项变更`, en: `${n} ${n === 1 ? "change" : "changes"}` });

function Swatch(props: { fill: string }) {
  return (
    <svg width="12" height="12" aria-hidden="true" focusable="false" class="swatch">
      <rect width="12" height="12" fill={props.fill} />
    </svg>
  );
}

const ROW = 36;

/** One bar per status, its length a share of all members, its label and count above it. */
export function MemberChart(props: { members: Record<string, number> }) {
  const rows = Object.entries(props.members);
  const total = rows.reduce((a, [, n]) => a + n, 0);
  const parts = rows.map(([s, n]) => `${tr(memberStatus(s))} ${n}`).join(tr({ zh: "，", en: ", " }));
  return (
    <figure class="chart" id="members-chart">
      <svg role="img" aria-labelledby="members-chart-title members-chart-desc" width="100%" height={rows.length * ROW}>
        <title id="members-chart-title">{tr({ zh: "成员状态分布", en: "Members by status" })}</title>
        <desc id="members-chart-desc">{tr({ zh: `共 ${total} 名成员：${parts}。`, en: `${total} members in all: ${parts}.` })}</desc>
        {rows.map(([status, n], i) => (
          <g>
            <text x="0" y={i * ROW + 14}>
              {`${tr(memberStatus(status))} · ${n}`}
            </text>
            <rect x="0" y={i * ROW + 20} width="100%" height="10" fill="#e5e7eb" />
            {n > 0 ? (
              <rect
                x="0"
                y={i * ROW + 20}
                width={`${Math.max(0.5, (n * 100) / Math.max(1, total)).toFixed(2)}%`}
                height="10"
                fill={fillOf(MEMBER_FILL, status)}
                data-status={status}
              />
            ) : null}
          </g>
        ))}
      </svg>
      <figcaption>
        <Bi zh={`共 ${total} 名成员，条长为各状态所占比例。`} en={`${total} members in all; each bar is that status's share.`} />
      </figcaption>
    </figure>
  );
}

const PLOT_TOP = 22;
const PLOT_HEIGHT = 100;

/** The last finished syncs, oldest on the left: bar height is how long each ran, colour its outcome. */
export function SyncChart(props: { points: SyncPoint[]; jobHref: (id: number) => string }) {
  const pts = props.points;
  if (pts.length === 0) {
    return (
      <p id="sync-chart-empty">
        <Bi zh="还没有完成的同步。" en="No sync has finished yet." />
      </p>
    );
  }
  const longest = Math.max(...pts.map((p) => p.seconds), 0.1);
  // At least 10 slots, so two syncs do not make two slabs.
  const slot = 100 / Math.max(10, pts.length);
  const states = [...new Set(pts.map((p) => p.state))];
  const failed = pts.filter((p) => p.state === "failed").length;
  const summary = {
    zh: `最近 ${pts.length} 次完成的同步，最长 ${duration(longest).zh}，其中失败 ${failed} 次；最近一次${tr(stateLabel(pts.at(-1)!.state))}，用时 ${duration(pts.at(-1)!.seconds).zh}，${changesText(pts.at(-1)!.changes).zh}。`,
    en: `The last ${pts.length} finished syncs, the longest ${duration(longest).en}, ${failed} failed; the latest ${stateLabel(pts.at(-1)!.state).en} in ${duration(pts.at(-1)!.seconds).en} with ${changesText(pts.at(-1)!.changes).en}.`,
  };
  return (
    <figure class="chart" id="sync-chart">
      <svg role="img" aria-labelledby="sync-chart-title sync-chart-desc" width="100%" height={PLOT_TOP + PLOT_HEIGHT + 22}>
        <title id="sync-chart-title">{tr({ zh: "最近同步的用时与结果", en: "Recent syncs: time taken and outcome" })}</title>
        <desc id="sync-chart-desc">{tr(summary)}</desc>
        <text x="0" y="14">
          {tr({ zh: `最长 ${duration(longest).zh}`, en: `longest ${duration(longest).en}` })}
        </text>
        {pts.map((p, i) => {
          const h = Math.max(2, Math.round((p.seconds / longest) * PLOT_HEIGHT));
          return (
            <rect
              x={`${(i * slot + slot * 0.15).toFixed(2)}%`}
              y={PLOT_TOP + PLOT_HEIGHT - h}
              width={`${(slot * 0.7).toFixed(2)}%`}
              height={h}
              fill={fillOf(JOB_FILL, p.state)}
              data-job={p.id}
              data-state={p.state}
            >
              <title>{`#${p.id} ${tr(stateLabel(p.state))} · ${tr(duration(p.seconds))} · ${tr(changesText(p.changes))}`}</title>
            </rect>
          );
        })}
        <rect x="0" y={PLOT_TOP + PLOT_HEIGHT} width="100%" height="1" fill="#4b5563" />
        <text x="0" y={PLOT_TOP + PLOT_HEIGHT + 18}>
          {tr({ zh: "← 较早", en: "← older" })}
        </text>
        <text x="100%" y={PLOT_TOP + PLOT_HEIGHT + 18} text-anchor="end">
          {tr({ zh: "最近 →", en: "newer →" })}
        </text>
      </svg>
      <figcaption>
        <ul class="legend">
          {states.map((s) => (
            <li>
              <Swatch fill={fillOf(JOB_FILL, s)} /> <Bi {...stateLabel(s)} />
            </li>
          ))}
        </ul>
        <details>
          <summary>
            <Bi zh="查看数据" en="The figures" />
          </summary>
          <div class="scroll">
            <table class="data" id="sync-chart-data">
              <thead>
                <tr>
                  <th scope="col">
                    <Bi zh="任务" en="Job" />
                  </th>
                  <th scope="col">
                    <Bi zh="结果" en="Outcome" />
                  </th>
                  <th scope="col">
                    <Bi zh="完成于" en="Finished" />
                  </th>
                  <th scope="col">
                    <Bi zh="用时" en="Time taken" />
                  </th>
                  <th scope="col">
                    <Bi zh="变更" en="Changes" />
                  </th>
                </tr>
              </thead>
              <tbody>
                {[...pts].reverse().map((p) => (
                  <tr>
                    <td>
                      <a href={props.jobHref(p.id)}>#{p.id}</a>
                    </td>
                    <td>
                      <Bi {...stateLabel(p.state)} />
                    </td>
                    <td>
                      <Time iso={p.finishedAt} />
                    </td>
                    <td class="num">
                      <Bi {...duration(p.seconds)} />
                    </td>
                    <td class="num">{p.changes}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </figcaption>
    </figure>
  );
}
