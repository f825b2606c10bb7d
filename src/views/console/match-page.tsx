import type { MatchResult } from "../../services/match/match-members";
import { Bi } from "../layout";
import { Csrf } from "../form-parts";
import { ConsoleShell, teamHref, type ShellProps } from "./shell";

const SUGGESTED_BY: Record<MatchResult["suggested"][number]["by"], string> = {
  userid: "（用户名 = UserID）/ (username = userid)",
  name: "（姓名）/ (name)",
  email: "（邮箱）/ (email)",
};

/** Match review (docs/http-api.md#members-and-access): exact links to make, unique-name suggestions to confirm, conflicts to settle. */
export function MatchPage(props: Omit<ShellProps, "title" | "section" | "children"> & { plan: MatchResult }) {
  const slug = props.team?.slug ?? "";
  const at = (path: string) => teamHref(props.base, slug, path);
  const { linked, suggested, conflicts } = props.plan;
  return (
    <ConsoleShell {...props} title={{ zh: "匹配成员与账号", en: "Match members to accounts" }} section="match">
      <section class="card" aria-labelledby="exact">
        <h2 id="exact">
          <Bi zh="可直接关联" en="Exact matches" /> <span class="muted">({linked.length})</span>
        </h2>
        <p>
          <Bi
            zh="只有企业微信已确认的身份（该账号在同一企业的另一个团队通过企业微信登录绑定过此 UserID），或 UserID 与本团队已有成员账号的用户名相同（不区分大小写），才会一键关联。经匹配关联的管理员需在“设置”中用企业微信绑定一次，才能在企业微信里管理团队。"
            en="Only what WeCom vouched for (the account signed in with WeCom as this userid in another team of the same company), or a userid equal to the username of an account already in this team (ignoring case), links in one step. An admin linked by match must bind WeCom once in Settings before commanding the team from WeCom."
          />
        </p>
        {linked.length > 0 ? (
          <>
            <ul id="exact-list">
              {linked.slice(0, 100).map((l) => (
                <li>
                  <a href={at(`/members/${l.memberId}`)}>{`member #${l.memberId}`}</a> ↔ {`account #${l.accountId}`}
                </li>
              ))}
            </ul>
            <form method="post" action={at("/match")}>
              <Csrf token={props.csrf} />
              <button type="submit" id="link-exact">
                <Bi
                  zh={`关联这 ${linked.length} 名成员`}
                  en={linked.length === 1 ? "Link this member" : `Link these ${linked.length} members`}
                />
              </button>
            </form>
          </>
        ) : null}
      </section>
      <form method="post" action={at("/match/confirm")} class="card" aria-labelledby="suggested">
        <Csrf token={props.csrf} />
        <h2 id="suggested">
          <Bi
            zh="建议（用户名、姓名或邮箱相同，请确认是同一人）"
            en="Suggestions (same username, name or email: confirm it is the same person)"
          />{" "}
          <span class="muted">({suggested.length})</span>
        </h2>
        {suggested.length === 0 ? (
          <p class="muted">
            <Bi zh="没有建议。" en="No suggestions." />
          </p>
        ) : (
          <ul id="suggestion-list">
            {suggested.map((s) => (
              <li>
                <input type="checkbox" name="pair" value={`${s.memberId}:${s.accountId}`} id={`pair-${s.memberId}`} />{" "}
                <label class="inline" for={`pair-${s.memberId}`}>
                  {s.name} (<code>{s.wecomUserId ?? "—"}</code>) ↔ <code>{s.username}</code> <span class="muted">{SUGGESTED_BY[s.by]}</span>
                </label>
              </li>
            ))}
          </ul>
        )}
        <h2 id="conflicts">
          <Bi zh="冲突（多个同名账号）" en="Conflicts (several accounts of that name)" /> <span class="muted">({conflicts.length})</span>
        </h2>
        {conflicts.length === 0 ? (
          <p class="muted">
            <Bi zh="没有冲突。" en="No conflicts." />
          </p>
        ) : (
          conflicts.map((k) => (
            <fieldset id={`conflict-${k.memberId}`}>
              <legend>
                {k.name} (<code>{k.wecomUserId ?? "—"}</code>)
              </legend>
              <input type="radio" name={`conflict-${k.memberId}`} value="" id={`conflict-${k.memberId}-none`} checked />{" "}
              <label class="inline" for={`conflict-${k.memberId}-none`}>
                <Bi zh="暂不关联" en="Not now" />
              </label>
              {k.candidates.map((a) => (
                <div>
                  <input
                    type="radio"
                    name={`conflict-${k.memberId}`}
                    value={`${k.memberId}:${a.accountId}`}
                    id={`conflict-${k.memberId}-${a.accountId}`}
                  />{" "}
                  <label class="inline" for={`conflict-${k.memberId}-${a.accountId}`}>
                    <code>{a.username}</code>
                  </label>
                </div>
              ))}
            </fieldset>
          ))
        )}
        {suggested.length + conflicts.length > 0 ? (
          <p>
            <button type="submit" id="confirm-match">
              <Bi zh="关联所选" en="Link the chosen" />
            </button>
          </p>
        ) : null}
      </form>
    </ConsoleShell>
  );
}
