import type { AuthorizePreview } from "../../services/invitations/authorize";
import { Csrf } from "../form-parts";
import { useLang } from "../lang";
import { Bi, InLang } from "../layout";
import { ConsoleShell, type ShellProps } from "./shell";

export interface AuthorizeConfirmProps extends Omit<ShellProps, "title" | "section" | "children"> {
  department: { id: number; name: string };
  preview: AuthorizePreview;
  /** Where the form posts (the authorize action) and where "cancel" goes. */
  action: string;
  cancelHref: string;
  /** Passed through, so the result lands where the admin came from. */
  from: string;
}

/** Authorizing a department tree can invite hundreds: say how many and who before anything is sent. */
export function AuthorizeConfirmPage(props: AuthorizeConfirmProps) {
  const p = props.preview;
  const d = props.department;
  const en = useLang() === "en";
  const reached = p.willActivate + p.willInvite;
  const names = p.sample.map((m) => `${m.name} (${m.wecomUserId})`).join(en ? ", " : "、");
  const more = reached - p.sample.length;
  return (
    <ConsoleShell {...props} title={{ zh: "确认授权", en: "Confirm authorization" }} section="departments">
      <section class="card warn" aria-labelledby="confirm-heading" id="authorize-confirm">
        <h2 id="confirm-heading">
          <Bi zh={`授权「${d.name}」及其下级部门`} en={`Authorize “${d.name}” and its sub-departments`} />
        </h2>
        <p id="confirm-count">
          <InLang
            zh={
              <>
                将对 <strong>{reached}</strong> 人授权：<strong>{p.willInvite}</strong> 人在企业微信中收到邀请卡片，
                <strong>{p.willActivate}</strong> 人已有账号、直接开通。
              </>
            }
            en={
              <>
                <strong>{reached}</strong> {reached === 1 ? "person" : "people"} will be authorized: <strong>{p.willInvite}</strong> get an
                invitation card in WeCom, <strong>{p.willActivate}</strong> already have an account and get access at once.
              </>
            }
          />
        </p>
        {p.sample.length > 0 ? (
          <p id="confirm-names">
            <Bi
              zh={`包括：${names}${more > 0 ? ` 等 ${reached} 人` : ""}`}
              en={`Including: ${names}${more > 0 ? ` and ${more} more` : ""}`}
            />
          </p>
        ) : null}
        <p class="muted">
          <Bi
            zh={`该范围共 ${p.total} 人；已加入 ${p.alreadyActive} 人、已锁定/移除/离职 ${p.skipped} 人不受影响。`}
            en={`${p.total} in scope; ${p.alreadyActive} already active and ${p.skipped} locked, removed or gone are left alone.`}
          />
        </p>
        {reached > 0 ? (
          <form method="post" action={props.action} class="row">
            <Csrf token={props.csrf} />
            <input type="hidden" name="scope" value="department" />
            <input type="hidden" name="department" value={String(d.id)} />
            <input type="hidden" name="from" value={props.from} />
            <input type="hidden" name="confirmed" value="1" />
            <button type="submit" id="confirm-authorize">
              <Bi zh={`确认授权 ${reached} 人`} en={`Authorize ${reached} ${reached === 1 ? "person" : "people"}`} />
            </button>
            <a href={props.cancelHref} id="cancel-authorize">
              <Bi zh="取消" en="Cancel" />
            </a>
          </form>
        ) : (
          <p>
            <Bi zh="没有需要授权的成员。" en="Nobody here needs authorizing." />{" "}
            <a href={props.cancelHref} id="cancel-authorize">
              <Bi zh="返回" en="Back" />
            </a>
          </p>
        )}
      </section>
    </ConsoleShell>
  );
}
