import type { MemberRole, MemberStatus } from "../../services/directory/read-directory";
import { labelOf } from "../labels";
import { Csrf } from "../form-parts";
import { Bi } from "../layout";
import { ConsoleShell, type ShellProps } from "./shell";
import { memberStatus, ROLES } from "./text";

/** A lock, or a role given or taken: what changes for whom, before it happens. */
export type MemberChangeAsked = { kind: "lock"; status: MemberStatus } | { kind: "role"; role: MemberRole };

export interface MemberConfirmProps extends Omit<ShellProps, "title" | "section" | "children"> {
  member: { id: number; name: string; accountId: number | null };
  change: MemberChangeAsked;
  action: string;
  cancelHref: string;
}

function Consequence(props: { name: string; change: MemberChangeAsked; linked: boolean }) {
  const { name, change } = props;
  if (change.kind === "lock") {
    const back = memberStatus(change.status);
    return (
      <Bi
        zh={`锁定后，${name} 立即无法使用本团队（已登录的会话也一样），也不能通过邀请加入；成员记录和历史保留。解锁后恢复为「${back.zh}」。`}
        en={`Once locked, ${name} cannot use this team at once (signed-in sessions too), nor join it by an invitation; the record and its history stay. Unlocking returns them to “${back.en}”.`}
      />
    );
  }
  if (change.role === "admin") {
    return (
      <Bi
        zh={`管理员可以做几乎所有事：更换企业微信凭据、同步、授权与邀请、离职策略、Webhook。只有所有者能更改角色。${props.linked ? "" : "该成员尚未关联账号，加入后即为管理员。"}`}
        en={`An admin can do nearly everything: change the WeCom credentials, sync, authorize and invite, the deletion policy, webhooks. Only the owner changes roles.${props.linked ? "" : " The member has no account yet and becomes an admin on joining."}`}
      />
    );
  }
  return <Bi zh={`${name} 将立即失去控制台和管理机器人的管理权限。`} en={`${name} loses the console and the admin bot at once.`} />;
}

/** The step before a drastic member change; the form repeats the request with `confirmed=1`. */
export function MemberConfirmPage(props: MemberConfirmProps) {
  const { member: m, change } = props;
  const role = change.kind === "role" ? labelOf(ROLES, change.role) : undefined;
  const heading =
    change.kind === "lock"
      ? { zh: `锁定 ${m.name}？`, en: `Lock ${m.name}?` }
      : {
          zh: `将 ${m.name} 的角色改为「${role!.zh}」？`,
          en: `Make ${m.name} ${change.role === "admin" ? "an admin" : "a plain member"}?`,
        };
  const button = change.kind === "lock" ? { zh: "确认锁定", en: "Lock" } : { zh: `确认改为${role!.zh}`, en: `Make ${role!.en}` };
  return (
    <ConsoleShell
      {...props}
      title={change.kind === "lock" ? { zh: "确认锁定", en: "Confirm the lock" } : { zh: "确认更改角色", en: "Confirm the role" }}
      section="members"
    >
      <section class="card warn" aria-labelledby="confirm-heading" id="member-confirm">
        <h2 id="confirm-heading">
          <Bi {...heading} />
        </h2>
        <p id="confirm-consequence">
          <Consequence name={m.name} change={change} linked={m.accountId !== null} />
        </p>
        <form method="post" action={props.action} class="row">
          <Csrf token={props.csrf} />
          {change.kind === "role" ? <input type="hidden" name="role" value={change.role} /> : null}
          <input type="hidden" name="confirmed" value="1" />
          <button type="submit" id="confirm-change" class={change.kind === "lock" ? "danger" : undefined}>
            <Bi {...button} />
          </button>
          <a href={props.cancelHref} id="cancel-change">
            <Bi zh="取消" en="Cancel" />
          </a>
        </form>
      </section>
    </ConsoleShell>
  );
}
