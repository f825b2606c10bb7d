import type { Child } from "hono/jsx";
import type { FieldProblem } from "../../errors";
import type { BindResult } from "../../services/teams/bind-wecom";
import type { BindingState } from "../../services/teams/get-binding";
import { Bi, InLang } from "../layout";
import { tr, trMessage } from "../lang";
import { Csrf, Field } from "../form-parts";
import { plural } from "../labels";
import { Card, Time } from "./parts";
import { ConsoleShell, teamHref, type ShellProps } from "./shell";
import { VisibilityCard, type VisibilityState } from "./visibility-card";

/** Copies the text of the element a button names; the buttons stay hidden without JavaScript. What it then says comes from the button, in the page's language. */
export const COPY_SCRIPT = `(function(){
var bs=document.querySelectorAll("button[data-copy]");
for(var i=0;i<bs.length;i++)(function(b){
b.hidden=false;
b.addEventListener("click",function(){
var el=document.getElementById(b.getAttribute("data-copy")),out=document.getElementById(b.getAttribute("data-copy")+"-status");
var text=el?el.textContent:"";
function done(ok){if(out)out.textContent=b.getAttribute(ok?"data-copied":"data-copy-failed")}
if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(text).then(function(){done(true)},function(){done(false)});return}
var r=document.createRange();r.selectNodeContents(el);var s=getSelection();s.removeAllRanges();s.addRange(r);
try{done(document.execCommand("copy"))}catch(e){done(false)}
});
})(bs[i]);
})();`;

export interface BindingPageProps extends Omit<ShellProps, "title" | "section" | "children"> {
  binding: BindingState;
  /** What the admin typed (never a secret), to fill the form again after an error. */
  values?: Record<string, string | undefined>;
  fields?: FieldProblem[] | undefined;
  /** The WeCom details of a refusal: errcode, the IP to trust (60020). */
  refusal?: { errcode?: number | undefined; ip?: string | undefined } | undefined;
  /** Just bound: the app's visibility and what to look at. */
  result?: BindResult | undefined;
  /** The app's visibility range, asked of WeCom as the page opened (absent when not asked). */
  visibility?: VisibilityState | undefined;
  /** The admins form after a refusal: what was typed and the problem with it. */
  admins?: { value: string | undefined; error: FieldProblem | undefined } | undefined;
}

function Steps(props: { callbackUrl: string }) {
  return (
    <Card id="steps" title={{ zh: "在企业微信管理后台配置自建应用", en: "Set up the self-built app in the WeCom admin console" }}>
      <ol class="steps">
        <li>
          <strong>CorpID</strong>
          <InLang zh="：我的企业 → 企业信息 → 企业ID。" en=": My Company → Company Information → Company ID." />
        </li>
        <li>
          <Bi
            zh="应用管理 → 自建 → 创建应用，记下 AgentId 和 Secret（Secret 在企业微信客户端中查看）。请使用该应用的 Secret，不要用通讯录同步 Secret。"
            en="App Management → Self-built → Create App; note its AgentId and Secret (shown in the WeCom client). Use this app's Secret, not the contact-sync secret."
          />
        </li>
        <li>
          <strong>
            <Bi zh="可见范围" en="Visibility range" />
          </strong>
          ：
          <Bi
            zh="应包含所有要导入的成员，最好是根部门；范围外的成员对应用不可见。"
            en="It must cover everyone to import, ideally the root department; people outside it do not exist for the app."
          />
        </li>
        <li>
          <strong>
            <Bi zh="企业可信IP" en="Trusted IPs" />
          </strong>
          ：
          <Bi
            zh="2022-06-20 之后创建的应用须把本服务的出口 IP 加入“企业可信IP”，否则调用返回 60020（约 1 分钟生效）。"
            en="Apps created since 2022-06-20 must list this server's egress IPs, or every call fails with 60020 (about a minute to apply)."
          />
        </li>
        <li>
          <strong>
            <Bi zh="接收消息" en="Callback" />
          </strong>
          ：
          <Bi
            zh="应用 → 接收消息 → 设置API接收，填入下面的回调 URL，生成 Token 和 EncodingAESKey（43 个字符），填入本页表单。"
            en="App → Receive Messages → Set API reception: paste the callback URL below, generate a Token and an EncodingAESKey (43 characters), and enter them in this form."
          />
        </li>
        <li>
          <Bi
            zh="先在本页保存（服务当场校验凭据），再在企业微信中保存回调设置：企业微信会用签名请求验证该 URL。"
            en="Save here first (the service checks the credentials at once), then save the callback settings in WeCom: it verifies the URL with a signed request."
          />
        </li>
      </ol>
      <h3>
        <Bi zh="回调 URL" en="Callback URL" />
      </h3>
      <div class="copy">
        <code id="callback-url">{props.callbackUrl}</code>
        <button
          type="button"
          class="secondary small"
          data-copy="callback-url"
          data-copied={tr({ zh: "已复制", en: "Copied" })}
          data-copy-failed={tr({ zh: "请手动复制", en: "Copy it by hand" })}
          hidden
        >
          <Bi zh="复制" en="Copy" />
        </button>
        <span id="callback-url-status" role="status" aria-live="polite"></span>
      </div>
    </Card>
  );
}

function Result(props: { result: BindResult }) {
  const r = props.result;
  return (
    <section class={`card ${r.warnings.length > 0 ? "warn" : "ok"}`} id="bind-result" role="status">
      <h2>
        <Bi zh="已绑定，凭据校验通过" en="Bound: the credentials checked out" />
      </h2>
      <p>
        <Bi zh="应用可见范围" en="The app's visibility" />:{" "}
        {r.visibility.wholeCorp ? (
          <Bi zh="整个企业（含根部门）" en="the whole company (root department)" />
        ) : (
          <Bi
            zh={`${r.visibility.departmentIds.length} 个部门 · ${r.visibility.userIds.length} 名成员`}
            en={`${plural(r.visibility.departmentIds.length, "department", "departments")} · ${plural(r.visibility.userIds.length, "member", "members")}`}
          />
        )}
      </p>
      {r.warnings.length > 0 ? (
        <ul>
          {r.warnings.map((w) => (
            <li id={`warning-${w.code}`}>{trMessage(w.message)}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

/** Items in a line, " · " between them. */
function Dotted(props: { items: Child[] }) {
  return (
    <>
      {props.items.map((item, i) => (
        <>
          {i > 0 ? " · " : ""}
          {item}
        </>
      ))}
    </>
  );
}

export function BindingPage(props: BindingPageProps) {
  const b = props.binding;
  const v = props.values ?? {};
  const err = (name: string) => props.fields?.find((f) => f.field === name);
  const at = (path: string) => teamHref(props.base, props.team?.slug ?? "", path);
  return (
    <ConsoleShell {...props} title={{ zh: "企业微信绑定", en: "WeCom binding" }} section="wecom" script={COPY_SCRIPT}>
      {props.refusal?.errcode !== undefined ? (
        <p class="card alert">
          errcode <code id="refusal-errcode">{props.refusal.errcode}</code>
          {props.refusal.ip ? (
            <>
              {" · IP "}
              <code>{props.refusal.ip}</code>
            </>
          ) : null}
        </p>
      ) : null}
      {props.result ? <Result result={props.result} /> : null}
      {b.bound ? (
        <Card id="current" title={{ zh: "当前绑定", en: "Current binding" }}>
          <dl>
            <dt>CorpID</dt>
            <dd>
              <code>{b.corpId}</code>
            </dd>
            <dt>AgentId</dt>
            <dd>
              <code>{b.agentId}</code>
            </dd>
            <dt>Secret · Token · EncodingAESKey</dt>
            <dd>
              <code>{b.secret}</code> · <code>{b.token}</code> · <code>{b.encodingAesKey}</code>
            </dd>
            <dt>
              <Bi zh="机器人管理员" en="Bot admins" />
            </dt>
            <dd id="bot-admins">
              {b.adminUserIds.length > 0 ? (
                <Dotted
                  items={b.adminUserIds.map((id) => (
                    <code>{id}</code>
                  ))}
                />
              ) : (
                <Bi zh="无（只有团队的所有者和管理员）" en="none (only the team's owners and admins)" />
              )}
            </dd>
            <dt>
              <Bi zh="导入范围" en="Import scope" />
            </dt>
            <dd id="import-scope">
              {b.scopeDepartmentIds && b.scopeDepartmentIds.length > 0 ? (
                <>
                  <Bi zh="只导入这些部门：" en="only these departments: " />
                  <Dotted
                    items={b.scopeDepartmentIds.map((d) => (
                      <a href={at(`/members?department=${d}`)}>
                        <code>{d}</code>
                      </a>
                    ))}
                  />
                </>
              ) : (
                <Bi zh="应用可见范围内的全部部门和成员" en="every department and member in the app's visibility range" />
              )}
            </dd>
            <dt>
              <Bi zh="更新于" en="Updated" />
            </dt>
            <dd>
              <Time iso={b.updatedAt} />
            </dd>
          </dl>
        </Card>
      ) : null}
      {props.visibility ? (
        <VisibilityCard
          state={props.visibility}
          memberHref={(id) => at(`/members/${id}`)}
          departmentHref={(id) => at(`/members?department=${id}`)}
        />
      ) : null}
      {b.bound ? (
        <form method="post" action={at("/wecom/admins")} class="card" id="admins-form">
          <h2>
            <Bi zh="更改机器人管理员" en="Change the bot's admins" />
          </h2>
          <p class="hint">
            <Bi
              zh="只更改可以在企业微信里指挥机器人的成员，凭据保持不变，无需重新输入 Secret。"
              en="Changes only who may command the bot in WeCom; the credentials stay as they are, with no Secret to type again."
            />
          </p>
          <Csrf token={props.csrf} />
          <Field
            name="admins"
            label={{ zh: "管理员 UserID", en: "Admin userids" }}
            value={props.admins?.value ?? b.adminUserIds.join(", ")}
            required={false}
            maxlength={7000}
            error={props.admins?.error}
            hint={{
              zh: "用逗号分隔；留空表示只有团队的所有者和管理员",
              en: "Comma-separated; empty leaves only the team's owners and admins",
            }}
          />
          <p>
            <button type="submit" id="save-admins">
              <Bi zh="保存管理员" en="Save the admins" />
            </button>
          </p>
        </form>
      ) : null}
      <Steps callbackUrl={b.callbackUrl} />
      <form method="post" action={at("/wecom")} class="card">
        <h2>{b.bound ? <Bi zh="更换凭据" en="Change the credentials" /> : <Bi zh="绑定" en="Bind" />}</h2>
        <p class="hint">
          <Bi
            zh="保存时服务会立即用这些凭据调用企业微信校验；校验失败不会保存任何内容。Secret、Token、EncodingAESKey 加密存储，之后只显示掩码。"
            en="Saving checks these credentials with WeCom at once; nothing is stored if the check fails. The Secret, Token and EncodingAESKey are stored encrypted and shown only masked afterwards."
          />
        </p>
        <Csrf token={props.csrf} />
        <Field
          name="corpId"
          label={{ zh: "企业 ID（CorpID）", en: "Company ID (CorpID)" }}
          value={v.corpId}
          pattern="[A-Za-z0-9]{1,64}"
          maxlength={64}
          error={err("corpId")}
          hint={{ zh: "字母和数字，以 ww 开头", en: "Letters and digits, starting with ww" }}
        />
        <Field
          name="agentId"
          label={{ zh: "应用 AgentId", en: "App AgentId" }}
          value={v.agentId}
          pattern="[1-9][0-9]{0,9}"
          maxlength={10}
          inputmode="numeric"
          error={err("agentId")}
        />
        <Field
          name="secret"
          type="password"
          label={{ zh: "应用 Secret", en: "App Secret" }}
          pattern="[A-Za-z0-9_\-]{16,128}"
          maxlength={128}
          error={err("secret")}
          autocomplete="new-password"
          hint={{
            zh: "自建应用的 Secret（16–128 个字母、数字、_ 或 -）",
            en: "The self-built app's Secret (16–128 letters, digits, _ or -)",
          }}
        />
        <Field
          name="token"
          type="password"
          label={{ zh: "回调 Token", en: "Callback Token" }}
          pattern="[A-Za-z0-9]{1,32}"
          maxlength={32}
          error={err("token")}
          autocomplete="new-password"
          hint={{ zh: "1–32 个字母或数字", en: "1–32 letters or digits" }}
        />
        <Field
          name="encodingAesKey"
          type="password"
          label={{ zh: "回调 EncodingAESKey", en: "Callback EncodingAESKey" }}
          pattern="[A-Za-z0-9]{43}"
          minlength={43}
          maxlength={43}
          error={err("encodingAesKey")}
          autocomplete="new-password"
          hint={{ zh: "43 个字母或数字", en: "43 letters or digits" }}
        />
        <Field
          name="adminUserIds"
          label={{ zh: "管理员 UserID（可选）", en: "Admin userids (optional)" }}
          value={v.adminUserIds}
          required={false}
          maxlength={7000}
          error={err("adminUserIds")}
          hint={{ zh: "可在企业微信里指挥机器人的成员，用逗号分隔", en: "Members who may command the bot in WeCom, comma-separated" }}
        />
        <Field
          name="scopeDepartmentIds"
          label={{ zh: "只导入这些部门（可选）", en: "Import only these departments (optional)" }}
          value={v.scopeDepartmentIds}
          required={false}
          maxlength={11000}
          error={err("scopeDepartmentIds")}
          hint={{
            zh: "部门 ID，用逗号分隔；留空表示可见范围内的全部",
            en: "Department ids, comma-separated; empty means everything in the visibility range",
          }}
        />
        <p>
          <button type="submit">
            <Bi zh="校验并保存" en="Check and save" />
          </button>
        </p>
      </form>
    </ConsoleShell>
  );
}
