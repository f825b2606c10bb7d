import { tr, trMessage } from "./lang";
import type { FieldProblem } from "../errors";
import type { AccountView } from "../services/accounts/account-view";
import { Bi, Layout } from "./layout";
import type { Bilingual } from "./labels";
import { AccountFields } from "./account-fields";
import { Csrf } from "./form-parts";

/** Form controls, phone-first: full width, ≥ 44 px targets, text ≥ 7:1 on its background. */
export const FORM_CSS = `
form{margin:0}
label{display:block;font-weight:600;margin:.9rem 0 .25rem}
input{display:block;width:100%;font:inherit;padding:.6rem .7rem;min-height:2.75rem;border:1px solid #4b5563;border-radius:.4rem;background:#fff;color:#111827}
input:focus{outline:3px solid #1e40af;outline-offset:1px}
input[aria-invalid=true]{border-color:#991b1b;border-width:2px}
button{display:block;width:100%;margin:1.1rem 0 .25rem;font:inherit;font-weight:600;padding:.7rem;min-height:2.75rem;border:0;border-radius:.4rem;background:#1e40af;color:#fff;cursor:pointer}
button:focus{outline:3px solid #111827;outline-offset:2px}
.hint{color:#374151;font-size:.9rem;margin:.2rem 0 0}
.field-error{color:#7f1d1d;font-weight:600;margin:.25rem 0 0}
a{color:#1e40af}
dl{margin:.5rem 0}
dt{font-weight:600}
dd{margin:0 0 .5rem}
`;

export interface FormError {
  /** An AppError message ("中文 / English"); the page shows its half. */
  message: string;
  fields?: FieldProblem[];
}

type Mode = "login" | "register";

const TEXT: Record<Mode, { title: Bilingual; submit: Bilingual; switchPrompt: Bilingual; switchLink: Bilingual; switchTo: string }> = {
  login: {
    title: { zh: "登录", en: "Log in" },
    submit: { zh: "登录", en: "Log in" },
    switchPrompt: { zh: "还没有账号？", en: "No account yet?" },
    switchLink: { zh: "注册", en: "Create one" },
    switchTo: "register",
  },
  register: {
    title: { zh: "注册账号", en: "Create an account" },
    submit: { zh: "注册并登录", en: "Create and log in" },
    switchPrompt: { zh: "已有账号？", en: "Have an account?" },
    switchLink: { zh: "登录", en: "Log in" },
    switchTo: "login",
  },
};

function ErrorBox(props: { error: FormError | undefined }) {
  if (!props.error) return null;
  return (
    <div class="card alert" role="alert">
      <p>{trMessage(props.error.message)}</p>
    </div>
  );
}

export interface AuthPageProps {
  mode: Mode;
  nonce: string;
  csrf: string;
  /** Where to go after success (a path on this site), carried through the form. */
  next?: string | undefined;
  /** What the person typed (never the password), to fill the form again after an error. */
  values?: { username?: string | undefined; name?: string | undefined; email?: string | undefined };
  error?: FormError | undefined;
}

/** The login and register forms: plain HTML posts, no JavaScript needed. */
export function AuthPage(props: AuthPageProps) {
  const t = TEXT[props.mode];
  const switchHref = props.next ? `${t.switchTo}?next=${encodeURIComponent(props.next)}` : t.switchTo;
  return (
    <Layout title={tr(t.title)} nonce={props.nonce} head={<style nonce={props.nonce} dangerouslySetInnerHTML={{ __html: FORM_CSS }} />}>
      <div class="card">
        <h1>
          <Bi {...t.title} />
        </h1>
      </div>
      <ErrorBox error={props.error} />
      <form method="post" class="card">
        <Csrf token={props.csrf} />
        {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
        <AccountFields purpose={props.mode === "register" ? "new" : "login"} values={props.values} problems={props.error?.fields} />
        <button type="submit">
          <Bi {...t.submit} />
        </button>
      </form>
      <p class="muted">
        <Bi {...t.switchPrompt} /> <a href={switchHref}>{tr(t.switchLink)}</a>
      </p>
    </Layout>
  );
}

export interface AccountPageProps {
  nonce: string;
  csrf: string;
  account: AccountView;
  error?: FormError | undefined;
}

/** Who is logged in, and the way out. */
export function AccountPage(props: AccountPageProps) {
  const a = props.account;
  return (
    <Layout
      title={tr({ zh: "我的账号", en: "My account" })}
      nonce={props.nonce}
      head={<style nonce={props.nonce} dangerouslySetInnerHTML={{ __html: FORM_CSS }} />}
    >
      <div class="card">
        <h1>
          <Bi zh="我的账号" en="My account" />
        </h1>
        <p class="muted">
          <Bi zh="已登录" en="You are logged in" />
        </p>
      </div>
      <ErrorBox error={props.error} />
      <div class="card">
        <dl>
          <dt>
            <Bi zh="姓名" en="Name" />
          </dt>
          <dd>{a.name}</dd>
          <dt>
            <Bi zh="用户名" en="Username" />
          </dt>
          <dd>
            <code>{a.username}</code>
          </dd>
          {a.email ? (
            <>
              <dt>
                <Bi zh="邮箱" en="Email" />
              </dt>
              <dd>{a.email}</dd>
            </>
          ) : null}
        </dl>
        <p>
          <a href="teams" id="my-teams-link">
            <Bi zh="我的团队：管理控制台" en="My teams: the admin console" />
          </a>
        </p>
        <p>
          <a href="/settings">
            <Bi zh="个人设置：企业微信绑定" en="Settings: WeCom binding" />
          </a>
        </p>
        <form method="post" action="logout">
          <Csrf token={props.csrf} />
          <button type="submit">
            <Bi zh="退出登录" en="Log out" />
          </button>
        </form>
      </div>
    </Layout>
  );
}
