import type { JSX } from "hono/jsx/jsx-runtime";
import type { JobView } from "../services/directory/job-view";
import { COUNT_ROWS, estimateLabel } from "./labels";
import { Bi } from "./layout";
import { trMessage } from "./lang";

/** A failed job's error as the job view reports it: code, WeCom's errcode and the API that gave it. */
export function JobError(props: { job: JobView }) {
  const { job } = props;
  if (job.state !== "failed" || !job.error) return null;
  return (
    <section class="card alert" role="alert">
      <h2>
        <Bi zh="错误" en="Error" />
      </h2>
      <p>{trMessage(job.error.message)}</p>
      <p class="muted">
        <code>{job.error.code}</code>
        {job.error.errcode === undefined ? null : (
          <>
            {" · errcode "}
            <code>{String(job.error.errcode)}</code>
          </>
        )}
        {job.error.api ? (
          <>
            {" · "}
            <code>{job.error.api}</code>
          </>
        ) : null}
      </p>
    </section>
  );
}

/**
 * The job's change counts, one row each; the cells carry `count-<group>-<key>` ids so the job
 * page's live script can update them in place. `children` closes the card (e.g. the times).
 */
export function JobCounts(props: { job: JobView; headingId: string; children?: JSX.Element | null }) {
  const { job } = props;
  return (
    <section class="card" aria-labelledby={props.headingId}>
      <h2 id={props.headingId}>
        <Bi zh="变更统计" en="Changes" />
      </h2>
      <table>
        <tbody>
          {COUNT_ROWS.map((r) => (
            <tr>
              <th scope="row">
                <Bi zh={r.zh} en={r.en} />
              </th>
              <td class="num" id={`count-${r.group}-${r.key}`}>
                {(job.counts[r.group] as Record<string, number>)[r.key] ?? 0}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.children ?? null}
    </section>
  );
}

/** What a breaker-held job's card opens with (docs/sync.md#brakes). */
export function BreakerHeading(props: { id: string }) {
  return (
    <h2 id={props.id}>
      <Bi zh="需要管理员确认" en="An admin must decide" />
    </h2>
  );
}

/** Without JavaScript a running job's page reloads itself every 2 s; a settled one stays put. */
export function RefreshWhileLive(props: { live: boolean | undefined }) {
  if (!props.live) return null;
  return (
    <noscript>
      <meta http-equiv="refresh" content="2" />
    </noscript>
  );
}

/** How long the members phase still needs (JobView.estimate), kept in place by the live script as `<prefix>-eta`. */
export function JobEstimateLine(props: { job: JobView; prefix: string }) {
  const e = props.job.estimate;
  return (
    <p id={`${props.prefix}-eta`} class="muted" hidden={!e}>
      {e ? <Bi {...estimateLabel(e)} /> : null}
    </p>
  );
}
