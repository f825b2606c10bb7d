import type { LiveVisibility } from "../../services/teams/read-visibility";
import { plural } from "../labels";
import { trMessage } from "../lang";
import { Bi } from "../layout";
import { Card } from "./parts";

/** What the WeCom page got when it asked WeCom for the range: the range, or why not. */
export type VisibilityState =
  { range: LiveVisibility } | { error: { code: string; message: string; errcode?: number | undefined; ip?: string | undefined } };

function Failure(props: { error: Extract<VisibilityState, { error: unknown }>["error"] }) {
  const e = props.error;
  return (
    <section class="card alert" role="alert" aria-labelledby="visibility" id="visibility-error">
      <h2 id="visibility">
        <Bi zh="应用可见范围：企业微信没有回答" en="The app's visibility range: WeCom did not answer" />
      </h2>
      <p>{trMessage(e.message)}</p>
      <p class="muted">
        <Bi zh="错误代码" en="Error code" /> <code>{e.code}</code>
        {e.errcode !== undefined ? (
          <>
            {" · errcode "}
            <code id="visibility-errcode">{e.errcode}</code>
          </>
        ) : null}
        {e.ip ? (
          <>
            {" · IP "}
            <code>{e.ip}</code>
          </>
        ) : null}
      </p>
      <p>
        <Bi
          zh="本页其余内容来自本服务保存的绑定，不受影响；稍后刷新本页会再问一次企业微信。"
          en="The rest of this page is the binding as the service keeps it; reload the page later to ask WeCom again."
        />
      </p>
    </section>
  );
}

/**
 * The range as WeCom reports it when the page opens (services/teams/read-visibility.ts): who the app
 * can see is who can be imported (docs/wecom.md#visibility).
 */
export function VisibilityCard(props: {
  state: VisibilityState;
  memberHref: (id: number) => string;
  departmentHref: (id: number) => string;
}) {
  if ("error" in props.state) return <Failure error={props.state.error} />;
  const r = props.state.range;
  const more = (shown: number, total: number) =>
    total > shown ? (
      <li>
        <Bi zh={`…共 ${total} 个`} en={`… ${total} in all`} />
      </li>
    ) : null;
  return (
    <Card id="visibility" title={{ zh: "应用可见范围（企业微信实时）", en: "The app's visibility range (live from WeCom)" }}>
      <p id="visibility-summary">
        <Bi zh={`应用「${r.agentName}」`} en={`App “${r.agentName}”`} />
        {": "}
        {r.wholeCorp ? (
          <Bi zh="整个企业（含根部门）" en="the whole company (root department)" />
        ) : (
          <Bi
            zh={`${r.totals.departments} 个部门（含下级）· ${r.totals.users} 名单独成员 · ${r.tagIds.length} 个标签`}
            en={`${plural(r.totals.departments, "department", "departments")} (with sub-departments) · ${plural(r.totals.users, "single member", "single members")} · ${plural(r.tagIds.length, "tag", "tags")}`}
          />
        )}
      </p>
      {r.departments.length > 0 ? (
        <>
          <h3>
            <Bi zh="部门" en="Departments" />
          </h3>
          <ul id="visibility-departments">
            {r.departments.map((d) => (
              <li>
                <a href={props.departmentHref(d.id)}>{d.name ?? `#${d.id}`}</a> <code>{d.id}</code>
                {d.name === null ? (
                  <>
                    {" "}
                    <Bi zh="（尚未导入）" en="(not imported yet)" />
                  </>
                ) : null}
              </li>
            ))}
            {more(r.departments.length, r.totals.departments)}
          </ul>
        </>
      ) : null}
      {r.users.length > 0 ? (
        <>
          <h3>
            <Bi zh="单独成员" en="Single members" />
          </h3>
          <ul id="visibility-users">
            {r.users.map((u) => (
              <li>
                {u.memberId !== null ? (
                  <a href={props.memberHref(u.memberId)}>{u.name}</a>
                ) : (
                  <Bi zh="（尚未导入）" en="(not imported yet)" />
                )}{" "}
                <code>{u.userId}</code>
              </li>
            ))}
            {more(r.users.length, r.totals.users)}
          </ul>
        </>
      ) : null}
      {r.warnings.length > 0 ? (
        <ul id="visibility-warnings">
          {r.warnings.map((w) => (
            <li id={`visibility-${w.code}`}>
              <strong>{trMessage(w.message)}</strong>
            </li>
          ))}
        </ul>
      ) : null}
      <p class="hint">
        <Bi
          zh="可见范围在企业微信管理后台的“应用管理 → 本应用 → 可见范围”中设置；本页每次打开时向企业微信读取。范围外的成员对应用不存在，缩小范围的效果和成员被删除一样。"
          en="The range is set in WeCom's admin console (App Management → this app → Visibility); this page asks WeCom each time it opens. People outside it do not exist for the app: shrinking it looks like deleting them."
        />
      </p>
    </Card>
  );
}
