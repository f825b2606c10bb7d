import { tr, trMessage } from "./lang";
import type { AccountView } from "../services/accounts/account-view";
import type { AccountTeam } from "../services/self-binding/own-bindings";
import { FORM_CSS, type FormError } from "./auth";
import { Bi, Layout } from "./layout";
import { Csrf } from "./form-parts";

const SETTINGS_CSS = `.team{border-top:1px solid #e5e7eb;padding:.75rem 0}.team:first-of-type{border-top:0}.secondary{background:#fff;color:#1e40af;border:2px solid #1e40af}`;

export interface SettingsPageProps {
  nonce: string;
  csrf: string;
  account: AccountView;
  teams: AccountTeam[];
  notice?: { zh: string; en: string } | undefined;
  error?: FormError | undefined;
}

function TeamRow(props: { team: AccountTeam; csrf: string }) {
  const t = props.team;
  const slug = encodeURIComponent(t.slug);
  let body;
  if (t.wecomUserId) {
    body = (
      <>
        <p>
          <Bi zh="已绑定企业微信" en="Bound to WeCom as" /> <code>{t.wecomUserId}</code>
        </p>
        <form method="post" action={`/settings/wecom/${slug}/unbind`}>
          <Csrf token={props.csrf} />
          <button type="submit" class="secondary">
            <Bi zh="解除绑定" en="Unbind" />
          </button>
        </form>
        <p class="hint">
          <Bi
            zh="解除后你仍是团队成员，但不再随企业微信通讯录变化。"
            en="After unbinding you stay in the team, but no longer follow the WeCom address book."
          />
        </p>
      </>
    );
  } else if (t.corpId) {
    body = (
      <form method="post" action={`/settings/wecom/${slug}/bind`}>
        <Csrf token={props.csrf} />
        <button type="submit">
          <Bi zh="用企业微信绑定" en="Bind with WeCom" />
        </button>
      </form>
    );
  } else {
    body = (
      <p class="muted">
        <Bi zh="该团队未连接企业微信" en="This team is not connected to WeCom" />
      </p>
    );
  }
  return (
    <section class="team">
      <h2>{t.teamName}</h2>
      {body}
    </section>
  );
}

/** Personal settings (docs/http-api.md#html-pages): bind or unbind the account's WeCom identity, team by team. */
export function SettingsPage(props: SettingsPageProps) {
  return (
    <Layout
      title={tr({ zh: "个人设置", en: "Settings" })}
      nonce={props.nonce}
      head={<style nonce={props.nonce} dangerouslySetInnerHTML={{ __html: FORM_CSS + SETTINGS_CSS }} />}
    >
      <div class="card">
        <h1>
          <Bi zh="个人设置" en="Settings" />
        </h1>
        <p class="muted">
          {props.account.name} <code>{props.account.username}</code>
        </p>
      </div>
      {props.notice ? (
        <div class="card" role="status">
          <p>
            <Bi {...props.notice} />
          </p>
        </div>
      ) : null}
      {props.error ? (
        <div class="card alert" role="alert">
          <p>{trMessage(props.error.message)}</p>
        </div>
      ) : null}
      <div class="card">
        <h2>
          <Bi zh="企业微信绑定" en="WeCom binding" />
        </h2>
        {props.teams.length === 0 ? (
          <p class="muted">
            <Bi zh="你还不是任何团队的成员" en="You are not a member of any team yet" />
          </p>
        ) : (
          props.teams.map((t) => <TeamRow team={t} csrf={props.csrf} />)
        )}
      </div>
    </Layout>
  );
}
