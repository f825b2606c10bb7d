import { tr } from "../lang";
import { MEMBER_STATUSES, type DepartmentView, type MemberView } from "../../services/directory/read-directory";
import { Bi } from "../layout";
import { Csrf } from "../form-parts";
import { DepartmentSelect } from "./departments-page";
import { FilterForm, FilterSelect, Pager, withQuery } from "./list-parts";
import { Card, MemberBadge } from "./parts";
import { ConsoleShell, teamHref, type ShellProps } from "./shell";
import { memberStatus } from "./text";
import { plural } from "../labels";

export interface MemberFilters {
  q: string;
  status: string;
  department: number | undefined;
  cursor: string;
}

export interface MembersPageProps extends Omit<ShellProps, "title" | "section" | "children"> {
  filters: MemberFilters;
  page: { items: MemberView[]; nextCursor: string | null; total: number; totalAtLeast?: true };
  /** Departments for the filter, depth-first with depth; null when there are too many for a list (a number field instead). */
  departmentOptions: { dept: DepartmentView; depth: number }[] | null;
  departmentNames: Map<number, string>;
  /** The list's query string, carried through action forms so they come back to the same page. */
  returnQuery: string;
}

/** Members an authorize can still move: not already in, not locked or removed, from WeCom. */
const selectable = (m: MemberView) =>
  m.wecomUserId !== null && (m.status === "imported" || m.status === "invited" || m.status === "deauthorized");

export function RowActions(props: { member: MemberView; at: (path: string) => string; csrf: string; from: string }) {
  const m = props.member;
  const action = (verb: string, zh: string, en: string) => (
    <form method="post" action={props.at(`/members/${m.id}/${verb}`)} class="inline">
      <Csrf token={props.csrf} />
      <input type="hidden" name="from" value={props.from} />
      <button type="submit" class="secondary small" aria-label={tr({ zh: `${zh} ${m.name}`, en: `${en} ${m.name}` })}>
        {tr({ zh, en })}
      </button>
    </form>
  );
  if (m.status === "invited") return action("invitation", "重发邀请", "Re-send invitation");
  if (m.status === "locked") return action("unlock", "解锁", "Unlock");
  if (m.status === "removed") return action("restore", "恢复", "Restore");
  return null;
}

export function MembersPage(props: MembersPageProps) {
  const slug = props.team?.slug ?? "";
  const at = (path: string) => teamHref(props.base, slug, path);
  const f = props.filters;
  const { items, nextCursor, total } = props.page;
  const listUrl = (cursor?: string) =>
    withQuery(at("/members"), {
      q: f.q,
      status: f.status,
      department: f.department === undefined ? undefined : String(f.department),
      cursor,
    });
  const from = `list:${props.returnQuery}`;
  const deptName = f.department !== undefined ? (props.departmentNames.get(f.department) ?? `#${f.department}`) : undefined;
  return (
    <ConsoleShell {...props} title={{ zh: "成员", en: "Members" }} section="members">
      <FilterForm action={at("/members")}>
        <div>
          <label for="f-q">
            <Bi zh="搜索姓名或 UserID" en="Search name or userid" />
          </label>
          <input id="f-q" name="q" type="search" value={f.q} maxlength={100} autocomplete="off" />
        </div>
        <FilterSelect
          name="status"
          label={{ zh: "状态", en: "Status" }}
          options={MEMBER_STATUSES.map((s) => ({ value: s, text: tr(memberStatus(s)) }))}
          selected={f.status}
        />
        <div>
          <label for="f-department">
            <Bi zh="部门（直属成员）" en="Department (direct members)" />
          </label>
          {props.departmentOptions ? (
            <DepartmentSelect id="f-department" name="department" options={props.departmentOptions} selected={f.department} any />
          ) : (
            <>
              <input
                id="f-department"
                name="department"
                type="text"
                inputmode="numeric"
                pattern="[0-9]{1,15}"
                maxlength={15}
                value={f.department === undefined ? "" : String(f.department)}
                aria-describedby="f-department-hint"
              />
              <p class="hint" id="f-department-hint">
                <Bi zh="部门 ID；也可以在“部门”页点击部门名称" en="A department id; or click a department's name on the Departments page" />
                {deptName ? ` · ${deptName}` : ""}
              </p>
            </>
          )}
        </div>
      </FilterForm>
      <form method="post" action={at("/members/authorize")} id="bulk" class="card">
        <Csrf token={props.csrf} />
        <input type="hidden" name="from" value={from} />
        <p>
          {props.page.totalAtLeast ? (
            <Bi
              zh={`超过 ${total.toLocaleString("en-US")} 名成员符合条件。`}
              en={`More than ${total.toLocaleString("en-US")} members match.`}
            />
          ) : (
            <Bi zh={`共 ${total} 名成员符合条件。`} en={`${plural(total, "member matches", "members match")}.`} />
          )}
        </p>
        <div class="row">
          <button type="submit" name="scope" value="selected" id="authorize-selected">
            <Bi zh="授权所选成员" en="Authorize the selected" />
          </button>
          {f.department !== undefined ? (
            <>
              <input type="hidden" name="department" value={String(f.department)} />
              <button type="submit" name="scope" value="department" class="secondary" id="authorize-filtered-department">
                <Bi zh={`授权“${deptName}”及下级部门全部成员`} en={`Authorize everyone in “${deptName}” and below`} />
              </button>
            </>
          ) : null}
        </div>
        <p class="hint">
          <Bi
            zh="已有账号的成员直接加入；其他成员在企业微信中收到邀请卡片。已加入、已锁定或已移除的成员不受影响。"
            en="Members with an account join at once; the others get an invitation card in WeCom. Active, locked and removed members are left alone."
          />
        </p>
      </form>
      <Card id="list" title={{ zh: "成员列表", en: "Member list" }} headingClass="sr">
        <div class="scroll">
          <table class="data stack compact" id="members">
            <thead>
              <tr>
                <th scope="col">
                  <span class="muted">
                    <Bi zh="选择" en="Select" />
                  </span>
                </th>
                <th scope="col">
                  <Bi zh="姓名" en="Name" />
                </th>
                <th scope="col">UserID</th>
                <th scope="col">
                  <Bi zh="部门" en="Departments" />
                </th>
                <th scope="col">
                  <Bi zh="状态" en="Status" />
                </th>
                <th scope="col">
                  <Bi zh="操作" en="Actions" />
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((m) => (
                <tr id={`member-${m.id}`}>
                  <td data-label={tr({ zh: "选择", en: "Select" })}>
                    {selectable(m) ? (
                      <input
                        type="checkbox"
                        form="bulk"
                        name="user"
                        value={m.wecomUserId ?? ""}
                        id={`pick-${m.id}`}
                        aria-label={tr({ zh: `选择 ${m.name}`, en: `Select ${m.name}` })}
                      />
                    ) : null}
                  </td>
                  <td data-label={tr({ zh: "姓名", en: "Name" })}>
                    <a href={at(`/members/${m.id}`)}>{m.name}</a>
                  </td>
                  <td data-label="UserID">
                    <code>{m.wecomUserId ?? "—"}</code>
                  </td>
                  <td data-label={tr({ zh: "部门", en: "Departments" })}>
                    {m.departmentIds.map((d) => props.departmentNames.get(d) ?? `#${d}`).join("、")}
                  </td>
                  <td data-label={tr({ zh: "状态", en: "Status" })}>
                    <MemberBadge status={m.status} />
                  </td>
                  <td data-label={tr({ zh: "操作", en: "Actions" })}>
                    <RowActions member={m} at={at} csrf={props.csrf} from={from} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {items.length === 0 ? (
          <p class="muted">
            <Bi zh="没有符合条件的成员。" en="No members match." />
          </p>
        ) : null}
        <Pager firstHref={f.cursor ? listUrl() : undefined} nextHref={nextCursor ? listUrl(nextCursor) : undefined} nextId="next-page" />
      </Card>
    </ConsoleShell>
  );
}
