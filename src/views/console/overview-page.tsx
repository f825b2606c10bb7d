import type { CallbackStats } from "../../services/callbacks/callback-stats";
import type { JobView } from "../../services/directory/job-view";
import type { BindingState } from "../../services/teams/get-binding";
import { Bi } from "../layout";
import { trMessage } from "../lang";
import { Card, JobBadge, Time } from "./parts";
import { memberStatus } from "./text";
import { MemberChart, SyncChart, syncHistory } from "./overview-charts";
import { teamHref, type ShellProps, ConsoleShell } from "./shell";

export interface OverviewData {
  binding: BindingState;
  /** Newest first (listJobs). */
  jobs: JobView[];
  callbacks: CallbackStats;
  /** Members by status (all of MEMBER_STATUSES). */
  members: Record<string, number>;
}

type Props = OverviewData & Omit<ShellProps, "title" | "section" | "children">;

interface Problem {
  id: string;
  zh: string;
  en: string;
  detail?: string | undefined;
  href: string;
  action: { zh: string; en: string };
}

/** What needs an admin now, each with the place to fix it (docs/http-api.md#binding, docs/sync.md#brakes). */
function problemsOf(p: Props, slug: string): Problem[] {
  const out: Problem[] = [];
  const at = (path: string) => teamHref(p.base, slug, path);
  if (!p.binding.bound) {
    out.push({
      id: "not-bound",
      zh: "尚未绑定企业微信。",
      en: "WeCom is not bound yet.",
      href: at("/wecom"),
      action: { zh: "绑定企业微信", en: "Bind WeCom" },
    });
  }
  const latest = p.jobs[0];
  if (latest?.state === "failed" && latest.error) {
    const creds = latest.error.errcode !== undefined;
    out.push({
      id: "last-sync-failed",
      zh: creds ? "最近一次同步被企业微信拒绝，请按提示检查凭据或应用设置：" : "最近一次同步失败：",
      en: creds ? "WeCom refused the last sync; check the credentials or the app's settings as the message says:" : "The last sync failed:",
      detail: `${trMessage(latest.error.message)}${latest.error.errcode !== undefined ? ` (errcode ${latest.error.errcode})` : ""}`,
      href: at(creds ? "/wecom" : "/sync"),
      action: creds ? { zh: "检查企业微信绑定", en: "Check the WeCom binding" } : { zh: "查看同步", en: "See the sync" },
    });
  }
  const waiting = p.jobs.find((j) => j.state === "needs_confirmation");
  if (waiting) {
    const n = waiting.breaker?.deprovisions;
    out.push({
      id: "staged",
      zh: `同步任务 #${waiting.id} 暂停：${n ?? "若干"} 名成员的离职处理等待确认。`,
      en: `Sync job #${waiting.id} is paused: ${n ?? "some"} deprovisions wait for a decision.`,
      href: at(`/sync/${waiting.id}`),
      action: { zh: "查看名单并决定", en: "Review and decide" },
    });
  }
  if (p.callbacks.dead > 0) {
    out.push({
      id: "dead-callbacks",
      zh: `${p.callbacks.dead} 条企业微信回调多次处理失败（已搁置）。定时对账会补上它们带来的变更；也可以立即同步。`,
      en: `${p.callbacks.dead} WeCom callbacks failed repeatedly (dead-lettered). The scheduled reconcile catches up on their changes; you can also sync now.`,
      href: at("/sync"),
      action: { zh: "立即同步", en: "Sync now" },
    });
  }
  return out;
}

export function OverviewPage(props: Props) {
  const slug = props.team?.slug ?? "";
  const problems = problemsOf(props, slug);
  const lastSync = props.jobs.find((j) => j.state === "succeeded");
  const lastReconcile = props.jobs.find((j) => j.state === "succeeded" && j.initiator === "schedule");
  const open = props.jobs.find((j) => j.state === "queued" || j.state === "running");
  const b = props.binding;
  return (
    <ConsoleShell {...props} title={{ zh: "团队概览", en: "Team overview" }} section="overview">
      {problems.length > 0 ? (
        <section class="card warn" aria-labelledby="todo" id="problems">
          <h2 id="todo">
            <Bi zh="需要处理" en="Needs attention" />
          </h2>
          <ul>
            {problems.map((p) => (
              <li id={`problem-${p.id}`}>
                <Bi zh={p.zh} en={p.en} />
                {p.detail ? (
                  <>
                    <br />
                    <strong>{p.detail}</strong>
                  </>
                ) : null}
                <br />
                <a href={p.href}>
                  <Bi {...p.action} />
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : (
        <p class="card ok" id="problems">
          <Bi zh="一切正常。" en="All is well." />
        </p>
      )}
      <div class="grid">
        <section class="card" id="binding-state">
          <h2>
            <Bi zh="企业微信绑定" en="WeCom binding" />
          </h2>
          {b.bound ? (
            <p>
              <span class="st st-active">
                <Bi zh="已绑定" en="bound" />
              </span>{" "}
              CorpID <code>{b.corpId}</code> · AgentId <code>{b.agentId}</code>
              <br />
              <span class="muted">
                <Bi zh="更新于" en="Updated" /> <Time iso={b.updatedAt} />
              </span>
            </p>
          ) : (
            <p>
              <span class="st st-locked">
                <Bi zh="未绑定" en="not bound" />
              </span>
            </p>
          )}
        </section>
        <section class="card" id="sync-state">
          <h2>
            <Bi zh="同步" en="Sync" />
          </h2>
          <p>
            <Bi zh="最近成功同步" en="Last successful sync" />: <Time iso={lastSync?.finishedAt} />
          </p>
          <p>
            <Bi zh="最近定时对账" en="Last scheduled reconcile" />: <Time iso={lastReconcile?.finishedAt} />
          </p>
          {open ? (
            <p>
              <a href={teamHref(props.base, slug, `/sync?job=${open.id}`)}>#{open.id}</a> <JobBadge state={open.state} />
            </p>
          ) : null}
        </section>
        <section class="card" id="member-state">
          <h2>
            <Bi zh="成员" en="Members" />
          </h2>
          <p>
            <Bi zh="待接受的邀请" en="Invitations waiting" />: <strong id="pending-invitations">{props.members.invited ?? 0}</strong>
          </p>
          <table>
            <tbody>
              {Object.entries(props.members).map(([status, n]) => (
                <tr>
                  <th scope="row">
                    <a href={`${teamHref(props.base, slug, "/members")}?status=${status}`}>
                      <Bi {...memberStatus(status)} />
                    </a>
                  </th>
                  <td class="num" id={`members-${status}`}>
                    {n}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section class="card" id="callback-state">
          <h2>
            <Bi zh="企业微信回调" en="WeCom callbacks" />
          </h2>
          <table>
            <tbody>
              {(
                [
                  ["received", "已接收", "received"],
                  ["pending", "待处理", "pending"],
                  ["dead", "已搁置", "dead-lettered"],
                ] as const
              ).map(([k, zh, en]) => (
                <tr>
                  <th scope="row">
                    <Bi zh={zh} en={en} />
                  </th>
                  <td class="num" id={`callbacks-${k}`}>
                    {props.callbacks[k]}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      <div class="grid charts">
        <Card id="members-figure" title={{ zh: "成员状态", en: "Members by status" }}>
          <MemberChart members={props.members} />
        </Card>
        <Card id="sync-figure" title={{ zh: "最近的同步", en: "Recent syncs" }}>
          <SyncChart points={syncHistory(props.jobs)} jobHref={(id) => teamHref(props.base, slug, `/sync/${id}`)} />
        </Card>
      </div>
    </ConsoleShell>
  );
}
