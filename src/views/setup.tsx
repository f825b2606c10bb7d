import { FORM_CSS, type FormError } from "./auth";
import { AccountFields } from "./account-fields";
import { Csrf, Field } from "./form-parts";
import { tr, trMessage } from "./lang";
import { Bi, InLang, Layout } from "./layout";

/** Groups of the one form, so a phone shows one step at a time as the person scrolls. */
const SETUP_CSS = `${FORM_CSS}
fieldset{border:0;padding:0;margin:0 0 1.25rem}
legend{font-size:1.1rem;font-weight:700;padding:0;margin:0 0 .25rem}
`;

export interface SetupPageProps {
  nonce: string;
  csrf: string;
  /** What the person typed (never the password or the code), to fill the form again after an error. */
  values?: {
    username?: string | undefined;
    name?: string | undefined;
    email?: string | undefined;
    teamSlug?: string | undefined;
    teamName?: string | undefined;
  };
  error?: FormError | undefined;
}

/**
 * The first-run setup (docs/operations.md#first-run): the code from the service's log, the
 * owner's account and the first team. A plain HTML post; no JavaScript needed.
 */
export function SetupPage(props: SetupPageProps) {
  const v = props.values ?? {};
  const err = (name: string) => props.error?.fields?.find((f) => f.field === name);
  return (
    <Layout
      title={tr({ zh: "初始设置", en: "First-run setup" })}
      nonce={props.nonce}
      head={<style nonce={props.nonce} dangerouslySetInnerHTML={{ __html: SETUP_CSS }} />}
    >
      <div class="card">
        <h1>
          <Bi zh="初始设置" en="First-run setup" />
        </h1>
        <p>
          <Bi
            zh="这个服务还没有任何团队。创建你的所有者账号和第一个团队，然后绑定企业微信。"
            en="This service has no team yet. Create your owner account and the first team, then bind WeCom."
          />
        </p>
      </div>
      {props.error ? (
        <div class="card alert" role="alert" id="setup-error">
          <p>{trMessage(props.error.message)}</p>
        </div>
      ) : null}
      <form method="post" class="card" id="setup-form">
        <Csrf token={props.csrf} />
        <fieldset>
          <legend>
            <Bi zh="1. 设置码" en="1. Setup code" />
          </legend>
          <p class="hint" id="code-where">
            <InLang
              zh={
                <>
                  服务启动时在日志中打印了设置码（<code>"msg":"setup code"</code> 一行的 <code>setupCode</code>），用最新的一个。在
                  Cloudflare Workers 上，先运行 <code>wrangler tail</code>，再刷新此页面（每分钟最多打印一个新设置码）。
                </>
              }
              en={
                <>
                  The service printed the code in its log at start-up (<code>setupCode</code> on the <code>"msg":"setup code"</code> line);
                  use the newest. On Cloudflare Workers, run <code>wrangler tail</code>, then reload this page (it prints a new code at most
                  once a minute).
                </>
              }
            />
          </p>
          <Field
            name="code"
            label={{ zh: "设置码", en: "Setup code" }}
            maxlength={64}
            hint={{
              zh: "16 个字母或数字，例如 7K3M-Q9XA-2B8C-DF4G；每个设置码只能用一次",
              en: "16 letters or digits, like 7K3M-Q9XA-2B8C-DF4G; each code works once",
            }}
            error={err("code")}
          />
        </fieldset>
        <fieldset>
          <legend>
            <Bi zh="2. 你的账号（团队所有者）" en="2. Your account (the team's owner)" />
          </legend>
          <AccountFields purpose="new" values={v} problems={props.error?.fields} nameFirst />
        </fieldset>
        <fieldset>
          <legend>
            <Bi zh="3. 第一个团队" en="3. The first team" />
          </legend>
          <Field
            name="teamName"
            label={{ zh: "团队名称", en: "Team name" }}
            value={v.teamName}
            maxlength={100}
            literal={false}
            error={err("teamName")}
          />
          <Field
            name="teamSlug"
            label={{ zh: "团队标识", en: "Team slug" }}
            value={v.teamSlug}
            pattern="[a-z0-9](?:[a-z0-9\-]{0,38}[a-z0-9])?"
            maxlength={40}
            hint={{
              zh: "1–40 个小写字母、数字或连字符，用在网址里，例如 acme",
              en: "1–40 lowercase letters, digits or hyphens, used in addresses, like acme",
            }}
            error={err("teamSlug")}
          />
        </fieldset>
        <button type="submit" id="setup-submit">
          <Bi zh="创建并继续绑定企业微信" en="Create and go on to bind WeCom" />
        </button>
      </form>
    </Layout>
  );
}

/** What the setup page answers once the service has an account: nothing to set up, the way to sign in. */
export function SetupClosedPage(props: { nonce: string; login: string }) {
  return (
    <Layout title={tr({ zh: "已完成初始设置", en: "Already set up" })} nonce={props.nonce}>
      <div class="card">
        <h1>
          <Bi zh="已完成初始设置" en="Already set up" />
        </h1>
        <p>
          <Bi zh="这个服务已经有账号了，初始设置页面不再可用。" en="This service already has accounts; the setup page is gone for good." />
        </p>
        <p>
          <a href={props.login} id="login-link">
            <Bi zh="登录" en="Log in" />
          </a>
        </p>
      </div>
    </Layout>
  );
}
