import type { AccountView } from "../../services/accounts/account-view";
import type { MyStanding, MyTeam } from "../../services/access/list-my-teams";
import type { Bilingual } from "../labels";
import { Bi } from "../layout";
import { ConsoleShell, teamHref } from "./shell";
import { Card } from "./parts";

export interface TeamsPageProps {
  nonce: string;
  csrf: string;
  base: string;
  account: AccountView;
  teams: MyTeam[];
  error?: string | undefined;
}

/** How each standing reads, the badge colour it borrows, and what it means for the console. */
const STANDING: Record<Exclude<MyStanding, "admin">, { label: Bilingual; badge: string; note: Bilingual }> = {
  member: {
    label: { zh: "成员", en: "member" },
    badge: "imported",
    note: { zh: "只有所有者和管理员可以打开控制台。", en: "Only owners and admins open the console." },
  },
  locked: { label: { zh: "已锁定", en: "locked" }, badge: "locked", note: { zh: "请联系团队管理员。", en: "Ask a team admin." } },
  deauthorized: {
    label: { zh: "已取消授权", en: "access withdrawn" },
    badge: "deauthorized",
    note: { zh: "请联系团队管理员。", en: "Ask a team admin." },
  },
  pending: {
    label: { zh: "尚未加入", en: "not joined yet" },
    badge: "invited",
    note: { zh: "接受邀请后即可使用。", en: "Accept the invitation to join." },
  },
};

const ROLE: Record<string, Bilingual> = { owner: { zh: "所有者", en: "owner" }, admin: { zh: "管理员", en: "admin" } };

function TeamEntry(props: { base: string; team: MyTeam }) {
  const t = props.team;
  if (t.standing === "admin") {
    return (
      <li data-slug={t.slug}>
        <a href={teamHref(props.base, t.slug)}>
          <strong>{t.name}</strong>
        </a>{" "}
        <code>{t.slug}</code>{" "}
        <span class="st st-active">
          <Bi {...(ROLE[t.role ?? ""] ?? ROLE.admin!)} />
        </span>
      </li>
    );
  }
  const s = STANDING[t.standing];
  return (
    <li data-slug={t.slug}>
      <strong>{t.name}</strong> <code>{t.slug}</code>{" "}
      <span class={`st st-${s.badge}`}>
        <Bi {...s.label} />
      </span>{" "}
      <span class="muted">
        <Bi {...s.note} />
      </span>
    </li>
  );
}

/** The team switcher: every team the account belongs to (from the database); admins open its console. */
export function TeamsPage(props: TeamsPageProps) {
  const { base } = props;
  return (
    <ConsoleShell
      title={{ zh: "我的团队", en: "My teams" }}
      nonce={props.nonce}
      csrf={props.csrf}
      base={base}
      account={props.account}
      error={props.error}
    >
      <Card id="teams-list" title={{ zh: "团队", en: "Teams" }}>
        {props.teams.length === 0 ? (
          <p class="muted" id="no-teams">
            <Bi
              zh="你还不属于任何团队。请让团队管理员邀请你，或输入团队标识打开。"
              en="You are not in any team yet. Ask a team admin to invite you, or enter a team's slug to open it."
            />
          </p>
        ) : (
          <ul id="my-teams">
            {props.teams.map((t) => (
              <TeamEntry base={base} team={t} />
            ))}
          </ul>
        )}
      </Card>
      <form method="get" action={`${base}/teams`} class="card">
        <h2>
          <Bi zh="打开团队" en="Open a team" />
        </h2>
        <label for="f-slug">
          <Bi zh="团队标识" en="Team slug" />
        </label>
        <div class="row">
          <div>
            <input
              id="f-slug"
              name="slug"
              type="text"
              required
              pattern="[a-z0-9][a-z0-9\-]{0,39}"
              maxlength={40}
              autocapitalize="none"
              spellcheck={false}
              aria-describedby="f-slug-hint"
            />
          </div>
          <button type="submit">
            <Bi zh="打开" en="Open" />
          </button>
        </div>
        <p class="hint" id="f-slug-hint">
          <Bi
            zh="小写字母、数字或连字符，例如 acme。需要是该团队的所有者或管理员。"
            en="Lowercase letters, digits or hyphens, e.g. acme. You must be the team's owner or an admin."
          />
        </p>
      </form>
    </ConsoleShell>
  );
}
