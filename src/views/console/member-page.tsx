import type { MemberDetail } from "../../services/directory/get-member";
import type { MemberView } from "../../services/directory/read-directory";
import { labelOf } from "../labels";
import { Bi } from "../layout";
import { Csrf } from "../form-parts";
import { AuditTable, type AuditItem } from "./audit-page";
import { RowActions } from "./members-page";
import { Card, MemberBadge } from "./parts";
import { ConsoleShell, teamHref, type ShellProps } from "./shell";
import { AccessCard } from "./member-access";
import { ROLES } from "./text";

export interface MemberPageProps extends Omit<ShellProps, "title" | "section" | "children"> {
  member: MemberDetail;
  departmentNames: Map<number, string>;
  history: AuditItem[];
  olderCursor: string | null;
}

const canAuthorize = (m: MemberView) => m.wecomUserId !== null && (m.status === "imported" || m.status === "deauthorized");

/** One member: who they are in WeCom, their standing, what can be done, and their history. */
export function MemberPage(props: MemberPageProps) {
  const m = props.member;
  const slug = props.team?.slug ?? "";
  const at = (path: string) => teamHref(props.base, slug, path);
  return (
    <ConsoleShell {...props} title={{ zh: `成员：${m.name}`, en: `Member: ${m.name}` }} section="members">
      <Card id="who" title={{ zh: "资料", en: "Profile" }}>
        <dl>
          <dt>
            <Bi zh="姓名" en="Name" />
          </dt>
          <dd>{m.name}</dd>
          <dt>UserID</dt>
          <dd>
            <code>{m.wecomUserId ?? "—"}</code>
          </dd>
          <dt>
            <Bi zh="部门" en="Departments" />
          </dt>
          <dd>
            {m.departmentIds.length === 0
              ? "—"
              : m.departmentIds.map((d, i) => (
                  <>
                    {i > 0 ? "、" : ""}
                    <a href={at(`/members?department=${d}`)}>{props.departmentNames.get(d) ?? `#${d}`}</a>
                  </>
                ))}
          </dd>
          {m.position ? (
            <>
              <dt>
                <Bi zh="职务" en="Position" />
              </dt>
              <dd>{m.position}</dd>
            </>
          ) : null}
          <dt>
            <Bi zh="状态" en="Status" />
          </dt>
          <dd id="member-status">
            <MemberBadge status={m.status} />
          </dd>
          <dt>
            <Bi zh="账号" en="Account" />
          </dt>
          <dd>{m.accountId !== null ? <Bi zh="已关联" en="linked" /> : <Bi zh="未关联" en="not linked" />}</dd>
          {m.role ? (
            <>
              <dt>
                <Bi zh="团队角色" en="Team role" />
              </dt>
              <dd id="member-role">
                <Bi {...labelOf(ROLES, m.role)} />
              </dd>
            </>
          ) : null}
        </dl>
        <div class="row">
          {canAuthorize(m) ? (
            <form method="post" action={at("/members/authorize")}>
              <Csrf token={props.csrf} />
              <input type="hidden" name="scope" value="selected" />
              <input type="hidden" name="user" value={m.wecomUserId ?? ""} />
              <input type="hidden" name="from" value={`member:${m.id}`} />
              <button type="submit" id="authorize-member">
                <Bi zh="授权并邀请" en="Authorize and invite" />
              </button>
            </form>
          ) : null}
          <RowActions member={m} at={at} csrf={props.csrf} from={`member:${m.id}`} />
        </div>
        <p class="hint">
          <Bi zh="姓名和部门来自企业微信，请在企业微信中修改。" en="Name and departments come from WeCom; change them there." />
        </p>
      </Card>
      <AccessCard member={m} at={at} csrf={props.csrf} />
      <Card id="history" title={{ zh: "历史记录", en: "History" }}>
        <AuditTable items={props.history} memberHref={(id) => at(`/members/${id}`)} />
        {props.olderCursor ? (
          <p>
            <a href={at(`/audit?subjectType=member&subjectId=${m.id}&before=${props.olderCursor}`)}>
              <Bi zh="更早的记录" en="Older entries" />
            </a>
          </p>
        ) : null}
      </Card>
    </ConsoleShell>
  );
}
