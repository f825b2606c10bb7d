import type { MemberDetail } from "../../services/directory/get-member";
import { GIVEN_ROLES } from "../../services/access/set-member-role";
import { Csrf } from "../form-parts";
import { tr } from "../lang";
import { Bi } from "../layout";
import { Card } from "./parts";
import { ROLES } from "./text";

/** Why a control is not offered, when it is not: the owner is fixed, admins are the owner's to change. */
function Limits(props: { member: MemberDetail }) {
  const m = props.member;
  if (m.role === "owner")
    return <Bi zh="团队所有者的角色和状态不能在此更改。" en="The team owner's role and standing cannot be changed here." />;
  if (!m.controls.role && m.status !== "removed")
    return <Bi zh="只有团队所有者可以更改角色，或锁定管理员。" en="Only the team's owner changes roles or locks an admin." />;
  return null;
}

/**
 * A member's role and lock, for whoever may change them (getMember's `controls`). Both go through a
 * confirmation page first; unlock and restore stay with the row's other actions.
 */
export function AccessCard(props: { member: MemberDetail; at: (path: string) => string; csrf: string }) {
  const m = props.member;
  const limits = Limits({ member: m });
  if (!m.controls.role && !m.controls.lock && !limits) return null;
  return (
    <Card id="access" title={{ zh: "角色与锁定", en: "Role and lock" }}>
      {m.controls.role ? (
        <form method="post" action={props.at(`/members/${m.id}/role`)} class="row" id="role-form">
          <Csrf token={props.csrf} />
          <div>
            <label for="f-role">
              <Bi zh="团队角色" en="Team role" />
            </label>
            <select id="f-role" name="role" class="wide">
              {GIVEN_ROLES.map((r) => (
                <option value={r} selected={(m.role ?? "member") === r}>
                  {tr(ROLES[r]!)}
                </option>
              ))}
            </select>
          </div>
          <div>
            <button type="submit" class="secondary" id="change-role">
              <Bi zh="更改角色…" en="Change the role…" />
            </button>
          </div>
        </form>
      ) : null}
      {m.controls.lock ? (
        <form method="post" action={props.at(`/members/${m.id}/lock`)} id="lock-form">
          <Csrf token={props.csrf} />
          <p class="hint">
            <Bi
              zh="锁定后该成员立即无法使用团队，记录和历史保留；可随时解锁。"
              en="A locked member cannot use the team from that moment; the record and history stay, and you can unlock at any time."
            />
          </p>
          <button type="submit" class="danger" id="lock-member" aria-label={tr({ zh: `锁定 ${m.name}…`, en: `Lock ${m.name}…` })}>
            <Bi zh="锁定…" en="Lock…" />
          </button>
        </form>
      ) : null}
      {limits ? (
        <p class="hint" id="access-limits">
          {limits}
        </p>
      ) : null}
    </Card>
  );
}
