import { tr } from "../lang";
import type { JobView } from "../../services/directory/job-view";
import type { StagedItem } from "../../services/directory/read-jobs";
import { BreakerHeading, JobCounts, JobError, RefreshWhileLive } from "../job-parts";
import { isSettled, labelOf, plural } from "../labels";
import { Bi } from "../layout";
import { Csrf } from "../form-parts";
import { Pager } from "./list-parts";
import { LIVE_JOB_SCRIPT, LiveJob } from "./live-job";
import { Card, JobBadge, MemberBadge, Time } from "./parts";
import { ConsoleShell, teamHref, type ShellProps } from "./shell";

type Base = Omit<ShellProps, "title" | "section" | "children">;

export interface LiveLinks {
  eventsUrl: string;
  pageUrl: string;
}

const INITIATOR: Record<string, { zh: string; en: string }> = {
  admin: { zh: "管理员", en: "admin" },
  schedule: { zh: "定时对账", en: "scheduled" },
  callback: { zh: "回调", en: "callback" },
  system: { zh: "系统", en: "system" },
};

export interface SyncPageProps extends Base {
  bound: boolean;
  jobs: JobView[];
  /** The job to follow live (the one just started, or the open one). */
  current?: { job: JobView; links: LiveLinks } | undefined;
}

export function SyncPage(props: SyncPageProps) {
  const slug = props.team?.slug ?? "";
  const at = (path: string) => teamHref(props.base, slug, path);
  const cur = props.current;
  const live = cur && !isSettled(cur.job.state);
  return (
    <ConsoleShell
      {...props}
      title={{ zh: "导入与同步", en: "Import & sync" }}
      section="sync"
      script={live ? LIVE_JOB_SCRIPT : undefined}
      head={<RefreshWhileLive live={live} />}
    >
      <form method="post" action={at("/sync")} class="card">
        <Csrf token={props.csrf} />
        <p>
          <Bi
            zh="从企业微信读取全部部门和成员，写入本团队。已有数据只更新变化的部分；离职处理受安全上限保护。"
            en="Reads every department and member from WeCom into this team. Existing data changes only where WeCom changed; deprovisions are held back by the safety breaker."
          />
        </p>
        {props.bound ? (
          <button type="submit" id="start-sync">
            <Bi zh={props.jobs.length === 0 ? "开始导入" : "立即同步"} en={props.jobs.length === 0 ? "Start the import" : "Sync now"} />
          </button>
        ) : (
          <p>
            <a href={at("/wecom")}>
              <Bi zh="请先绑定企业微信" en="Bind WeCom first" />
            </a>
          </p>
        )}
      </form>
      {cur ? (
        <LiveJob job={cur.job} eventsUrl={cur.links.eventsUrl} pageUrl={cur.links.pageUrl} detailUrl={at(`/sync/${cur.job.id}`)} />
      ) : null}
      <Card id="history" title={{ zh: "同步记录", en: "Job history" }}>
        {props.jobs.length === 0 ? (
          <p class="muted">
            <Bi zh="还没有同步过。" en="No sync yet." />
          </p>
        ) : (
          <div class="scroll">
            <table class="data stack">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">
                    <Bi zh="状态" en="State" />
                  </th>
                  <th scope="col">
                    <Bi zh="发起" en="By" />
                  </th>
                  <th scope="col">
                    <Bi zh="开始" en="Started" />
                  </th>
                  <th scope="col">
                    <Bi zh="成员 新建·更新·离职" en="Members new·upd·gone" />
                  </th>
                  <th scope="col">
                    <Bi zh="部门 新建·更新·删除" en="Depts new·upd·del" />
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.jobs.map((j) => (
                  <tr id={`job-${j.id}`}>
                    <td data-label="#">
                      <a href={at(`/sync/${j.id}`)}>#{j.id}</a>
                    </td>
                    <td data-label={tr({ zh: "状态", en: "State" })}>
                      <JobBadge state={j.state} />
                    </td>
                    <td data-label={tr({ zh: "发起", en: "By" })}>
                      <Bi {...labelOf(INITIATOR, j.initiator)} />
                    </td>
                    <td data-label={tr({ zh: "开始", en: "Started" })}>
                      <Time iso={j.createdAt} />
                    </td>
                    <td
                      data-label={tr({ zh: "成员", en: "Members" })}
                      class="num"
                    >{`${j.counts.members.created} · ${j.counts.members.updated} · ${j.counts.members.deprovisioned}`}</td>
                    <td
                      data-label={tr({ zh: "部门", en: "Depts" })}
                      class="num"
                    >{`${j.counts.departments.created} · ${j.counts.departments.updated} · ${j.counts.departments.deleted}`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </ConsoleShell>
  );
}

export interface JobDetailProps extends Base {
  job: JobView;
  links: LiveLinks;
  staged: { items: StagedItem[]; nextCursor: number | null; after: number } | null;
}

const REASONS: Record<string, { zh: string; en: string }> = {
  missing_from_listing: { zh: "企业微信中已不存在", en: "gone from WeCom" },
  protected_role: { zh: "所有者或管理员：不会自动处理", en: "owner or admin: never deprovisioned automatically" },
};

export function JobDetailPage(props: JobDetailProps) {
  const { job } = props;
  const slug = props.team?.slug ?? "";
  const at = (path: string) => teamHref(props.base, slug, path);
  const live = !isSettled(job.state);
  return (
    <ConsoleShell
      {...props}
      title={{ zh: `同步任务 #${job.id}`, en: `Sync job #${job.id}` }}
      section="sync"
      script={live ? LIVE_JOB_SCRIPT : undefined}
      head={<RefreshWhileLive live={live} />}
    >
      <LiveJob job={job} eventsUrl={props.links.eventsUrl} pageUrl={props.links.pageUrl} detailUrl={at(`/sync/${job.id}`)} />
      <JobError job={job} />
      {job.state === "needs_confirmation" ? (
        <section class="card warn" aria-labelledby="breaker">
          <BreakerHeading id="breaker" />
          {job.breaker ? (
            <p>
              <Bi
                zh={`本次同步将对 ${job.breaker.deprovisions} 名成员做离职处理，超过安全上限 ${job.breaker.threshold}（当前活跃成员 ${job.breaker.active} 名）。`}
                en={`This run would deprovision ${plural(job.breaker.deprovisions, "member", "members")}, more than the safety limit of ${job.breaker.threshold} (${plural(job.breaker.active, "active member", "active members")}).`}
              />
            </p>
          ) : null}
          <p>
            <Bi
              zh="允许：按离职策略处理下列成员，并写入其他变更。拒绝：只写入其他变更，不处理任何人离职。"
              en="Allow: the members below are deprovisioned under the policy, with the other changes. Reject: only the other changes are applied; nobody is deprovisioned."
            />
          </p>
          <div class="row">
            <form method="post" action={at(`/sync/${job.id}/confirm`)}>
              <Csrf token={props.csrf} />
              <button type="submit" class="danger" id="allow">
                <Bi zh="允许离职处理" en="Allow the deprovisions" />
              </button>
            </form>
            <form method="post" action={at(`/sync/${job.id}/reject`)}>
              <Csrf token={props.csrf} />
              <button type="submit" class="secondary" id="reject">
                <Bi zh="拒绝" en="Reject" />
              </button>
            </form>
          </div>
        </section>
      ) : null}
      {props.staged ? (
        <Card id="staged" title={{ zh: "待离职处理的成员", en: "Members held for deprovisioning" }}>
          <div class="scroll">
            <table class="data stack" id="staged-list">
              <thead>
                <tr>
                  <th scope="col">
                    <Bi zh="姓名" en="Name" />
                  </th>
                  <th scope="col">UserID</th>
                  <th scope="col">
                    <Bi zh="状态" en="Status" />
                  </th>
                  <th scope="col">
                    <Bi zh="原因" en="Reason" />
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.staged.items.map((s) => (
                  <tr>
                    <td data-label={tr({ zh: "姓名", en: "Name" })}>
                      <a href={at(`/members/${s.memberId}`)}>{s.name}</a>
                    </td>
                    <td data-label="UserID">
                      <code>{s.wecomUserId ?? "—"}</code>
                    </td>
                    <td data-label={tr({ zh: "状态", en: "Status" })}>
                      <MemberBadge status={s.status} />
                    </td>
                    <td data-label={tr({ zh: "原因", en: "Reason" })}>
                      <Bi {...labelOf(REASONS, s.reason)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            firstHref={props.staged.after > 0 ? at(`/sync/${job.id}`) : undefined}
            nextHref={props.staged.nextCursor !== null ? at(`/sync/${job.id}?after=${props.staged.nextCursor}`) : undefined}
          />
        </Card>
      ) : null}
      <JobCounts job={job} headingId="counts">
        <p class="muted">
          <Bi zh="开始于" en="Started" />: <Time iso={job.createdAt} /> · <Bi zh="结束于" en="Finished" />: <Time iso={job.finishedAt} />
        </p>
      </JobCounts>
    </ConsoleShell>
  );
}
