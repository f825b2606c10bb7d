import type { AccountView } from "../../services/accounts/account-view";
import { Bi } from "../layout";
import { ConsoleShell, teamHref } from "./shell";

export interface TeamsPageProps {
  nonce: string;
  csrf: string;
  base: string;
  account: AccountView;
  teams: { slug: string; role: string }[];
  error?: string | undefined;
}

/** The team switcher: teams this account administers (as opened in this browser), and a way to open another. */
export function TeamsPage(props: TeamsPageProps) {
  const { base } = props;
  return (
    <ConsoleShell title={{ zh: "我的团队", en: "My teams" }} nonce={props.nonce} csrf={props.csrf} base={base} account={props.account} error={props.error}>
      <section class="card" aria-labelledby="teams-list">
        <h2 id="teams-list">
          <Bi zh="团队" en="Teams" />
        </h2>
        {props.teams.length === 0 ? (
          <p class="muted">
            <Bi zh="还没有打开过团队。请输入团队标识打开。" en="No team opened yet. Enter a team's slug to open it." />
          </p>
        ) : (
          <ul>
            {props.teams.map((t) => (
              <li>
                <a href={teamHref(base, t.slug)}>
                  <code>{t.slug}</code>
                </a>{" "}
                <span class="muted">({t.role === "owner" ? "所有者 / owner" : "管理员 / admin"})</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <form method="get" action={`${base}/teams`} class="card">
        <h2>
          <Bi zh="打开团队" en="Open a team" />
        </h2>
        <label for="f-slug">
          <Bi zh="团队标识" en="Team slug" />
        </label>
        <div class="row">
          <div>
            <input id="f-slug" name="slug" type="text" required pattern="[a-z0-9][a-z0-9\-]{0,39}" maxlength={40} autocapitalize="none" spellcheck={false} aria-describedby="f-slug-hint" />
          </div>
          <button type="submit">
            <Bi zh="打开" en="Open" />
          </button>
        </div>
        <p class="hint" id="f-slug-hint">
          <Bi zh="小写字母、数字或连字符，例如 acme。需要是该团队的所有者或管理员。" en="Lowercase letters, digits or hyphens, e.g. acme. You must be the team's owner or an admin." />
        </p>
      </form>
    </ConsoleShell>
  );
}
