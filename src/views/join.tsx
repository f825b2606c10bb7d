import { messageIn } from "../errors";
import { FORM_CSS } from "./auth";
import type { Bilingual } from "./labels";
import type { Lang } from "./lang";
import { Layout } from "./layout";
import { Csrf } from "./form-parts";

/**
 * The join pages (docs/http-api.md#html-pages): opened inside WeCom's in-app browser, so phone-first, plain forms,
 * no JavaScript, and one language — the one Accept-Language asks for.
 */

const JOIN_CSS = `.or{text-align:center;margin:1rem 0;color:#374151}.who{font-size:1.05rem}.secondary{background:#fff;color:#1e40af;border:2px solid #1e40af}`;

const T = {
  joinTitle: { zh: "加入团队", en: "Join the team" },
  invited: { zh: "你被邀请加入", en: "You are invited to join" },
  as: { zh: "企业微信身份", en: "WeCom identity" },
  continueAs: { zh: "以此账号加入", en: "Join with this account" },
  loggedInAs: { zh: "当前登录账号", en: "Logged in as" },
  switch: { zh: "使用其他账号", en: "Use another account" },
  haveAccount: { zh: "已有账号？登录后加入", en: "Have an account? Log in to join" },
  newAccount: { zh: "没有账号？注册后加入", en: "New here? Create an account to join" },
  login: { zh: "登录并加入", en: "Log in and join" },
  register: { zh: "注册并加入", en: "Create account and join" },
  or: { zh: "或", en: "or" },
  username: { zh: "用户名", en: "Username" },
  usernameHint: { zh: "3–64 个字符：字母、数字或 _ . @ -", en: "3–64 characters: letters, digits or _ . @ -" },
  password: { zh: "密码", en: "Password" },
  passwordHint: { zh: "至少 10 个字符", en: "At least 10 characters" },
  name: { zh: "姓名", en: "Name" },
  account: { zh: "查看我的账号", en: "Go to my account" },
} satisfies Record<string, Bilingual>;

/** An AppError message is "中文 / English": the half for this page's language. */
export const inLang = (lang: Lang, message: string): string => messageIn(message, lang);

export interface JoinNoticeProps {
  lang: Lang;
  nonce: string;
  title: Bilingual;
  /** Bilingual "中文 / English" text; the page shows its half. */
  message: string;
  tone: "ok" | "warn" | "alert";
  showAccountLink?: boolean;
}

/** Every end of the flow that is not a form: joined, already joined, expired, someone else's link… */
export function JoinNotice(props: JoinNoticeProps) {
  const l = props.lang;
  return (
    <Layout
      title={props.title[l]}
      nonce={props.nonce}
      lang={l}
      head={<style nonce={props.nonce} dangerouslySetInnerHTML={{ __html: FORM_CSS }} />}
    >
      <div class={`card ${props.tone === "ok" ? "" : props.tone}`} role={props.tone === "alert" ? "alert" : "status"}>
        <h1>{props.title[l]}</h1>
        <p>{inLang(l, props.message)}</p>
        {props.showAccountLink ? (
          <p>
            <a href="/account">{T.account[l]}</a>
          </p>
        ) : null}
      </div>
    </Layout>
  );
}

export interface JoinFormProps {
  lang: Lang;
  nonce: string;
  csrf: string;
  teamName: string;
  memberName: string;
  userId: string;
  /** The logged-in account, if any: then one button joins with it. */
  account?: { name: string; username: string } | undefined;
  error?: { message: string; fields?: { field: string; message: string }[] } | undefined;
  values?: { username?: string | undefined; name?: string | undefined } | undefined;
}

function Input(props: {
  id: string;
  name: string;
  label: string;
  type?: string;
  value?: string | undefined;
  autocomplete: string;
  hint?: string;
  error?: string | undefined;
  minlength?: number;
  maxlength: number;
}) {
  const describedBy =
    [props.hint && !props.error ? `${props.id}-hint` : null, props.error ? `${props.id}-error` : null].filter(Boolean).join(" ") ||
    undefined;
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value}
        autocomplete={props.autocomplete}
        autocapitalize={props.name === "name" ? undefined : "none"}
        spellcheck={props.name === "name" ? undefined : false}
        required
        minlength={props.minlength}
        maxlength={props.maxlength}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={describedBy}
      />
      {props.hint && !props.error ? (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="field-error" id={`${props.id}-error`} role="alert">
          {props.error}
        </p>
      ) : null}
    </>
  );
}

/** Join with the current account, or log in, or register: each a plain POST to this same URL. */
export function JoinForm(props: JoinFormProps) {
  const l = props.lang;
  const err = (field: string) => {
    const m = props.error?.fields?.find((f) => f.field === field)?.message;
    return m ? inLang(l, m) : undefined;
  };
  const v = props.values ?? {};
  // Field problems come from registering; a refusal without them (wrong password, throttled) from logging in.
  // What was typed goes back only into the form it was typed in.
  const fromRegister = (props.error?.fields?.length ?? 0) > 0;
  const loginValue = props.error && !fromRegister ? v.username : undefined;
  // Most invitees have no account yet: registration comes first, with the WeCom userid as the username to keep.
  const registerValue = fromRegister ? v.username : props.error ? undefined : props.userId;
  const hidden = (action: string) => (
    <>
      <Csrf token={props.csrf} />
      <input type="hidden" name="action" value={action} />
    </>
  );
  return (
    <Layout
      title={T.joinTitle[l]}
      nonce={props.nonce}
      lang={l}
      head={<style nonce={props.nonce} dangerouslySetInnerHTML={{ __html: FORM_CSS + JOIN_CSS }} />}
    >
      <div class="card">
        <h1>{T.joinTitle[l]}</h1>
        <p>
          {T.invited[l]} <strong>{props.teamName}</strong>
        </p>
        <p class="who">
          {T.as[l]}: {props.memberName} <code>{props.userId}</code>
        </p>
      </div>
      {props.error ? (
        <div class="card alert" role="alert">
          <p>{inLang(l, props.error.message)}</p>
        </div>
      ) : null}
      {props.account ? (
        <div class="card">
          <p>
            {T.loggedInAs[l]}: {props.account.name} <code>{props.account.username}</code>
          </p>
          <form method="post">
            {hidden("accept")}
            <button type="submit">{T.continueAs[l]}</button>
          </form>
          <form method="post">
            {hidden("switch")}
            <button type="submit" class="secondary">
              {T.switch[l]}
            </button>
          </form>
        </div>
      ) : (
        <>
          <form method="post" class="card">
            <h2>{T.newAccount[l]}</h2>
            {hidden("register")}
            <Input
              id="reg-username"
              name="username"
              label={T.username[l]}
              value={registerValue}
              autocomplete="username"
              hint={T.usernameHint[l]}
              error={err("username")}
              minlength={3}
              maxlength={64}
            />
            <Input
              id="reg-password"
              name="password"
              type="password"
              label={T.password[l]}
              autocomplete="new-password"
              hint={T.passwordHint[l]}
              error={err("password")}
              minlength={10}
              maxlength={200}
            />
            <Input
              id="reg-name"
              name="name"
              label={T.name[l]}
              value={v.name ?? props.memberName}
              autocomplete="name"
              error={err("name")}
              maxlength={100}
            />
            <button type="submit">{T.register[l]}</button>
          </form>
          <p class="or">{T.or[l]}</p>
          <form method="post" class="card">
            <h2>{T.haveAccount[l]}</h2>
            {hidden("login")}
            <Input id="login-username" name="username" label={T.username[l]} value={loginValue} autocomplete="username" maxlength={64} />
            <Input
              id="login-password"
              name="password"
              type="password"
              label={T.password[l]}
              autocomplete="current-password"
              maxlength={200}
            />
            <button type="submit">{T.login[l]}</button>
          </form>
        </>
      )}
    </Layout>
  );
}
