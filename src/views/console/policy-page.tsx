import type { DeletionPolicy } from "../../services/directory/policy";
import { Bi } from "../layout";
import { Csrf } from "../form-parts";
import { ConsoleShell, teamHref, type ShellProps } from "./shell";
import { POLICIES } from "./text";
import { plural } from "../labels";
import { Card } from "./parts";

export interface PolicyPageProps extends Omit<ShellProps, "title" | "section" | "children"> {
  policy: DeletionPolicy;
  active: number;
  threshold: number;
}

/** What happens to a member deleted in WeCom (docs/sync.md#deletion-policies), and the brakes on mass deletions (docs/sync.md#brakes). */
export function PolicyPage(props: PolicyPageProps) {
  const slug = props.team?.slug ?? "";
  return (
    <ConsoleShell {...props} title={{ zh: "离职策略", en: "Deletion policy" }} section="policy">
      <form method="post" action={teamHref(props.base, slug, "/policy")} class="card">
        <Csrf token={props.csrf} />
        <fieldset>
          <legend>
            <Bi zh="成员在企业微信中被删除后" en="When a member is deleted in WeCom" />
          </legend>
          {POLICIES.map((p) => (
            <div class="card">
              <input
                type="radio"
                name="onMemberDeleted"
                value={p.value}
                id={`policy-${p.value}`}
                checked={p.value === props.policy}
                aria-describedby={`policy-${p.value}-hint`}
              />{" "}
              <label class="inline" for={`policy-${p.value}`}>
                <strong>
                  <Bi {...p.title} />
                </strong>
              </label>
              <p class="hint" id={`policy-${p.value}-hint`}>
                <Bi {...p.body} />
              </p>
            </div>
          ))}
        </fieldset>
        <button type="submit" id="save-policy">
          <Bi zh="保存" en="Save" />
        </button>
      </form>
      <Card id="breaker" title={{ zh: "防误删保护", en: "The safety breaker" }}>
        <p>
          <Bi
            zh="一次同步若要处理的离职人数超过 max(3, 活跃成员的 20%)（最多 500），会在写入前暂停，等待管理员在“导入与同步”中允许或拒绝。"
            en="A sync that would deprovision more than max(3, 20 % of active members) — at most 500 — stops before writing and waits for an admin to allow or reject it under Import & sync."
          />
        </p>
        <p id="threshold">
          <Bi
            zh={`当前活跃成员 ${props.active} 名，上限为 ${props.threshold} 名。`}
            en={`${plural(props.active, "active member", "active members")} now: the limit is ${props.threshold}.`}
          />
        </p>
        <p>
          <Bi
            zh="此外，若读取不完整（有请求失败）、企业微信返回的成员为空，或可见成员比上次减少一半以上（可见范围可能被缩小），本次同步不处理任何人离职。"
            en="Besides, a sync deprovisions nobody when its listing was incomplete (a request failed), WeCom listed no members, or the visible members dropped by half or more since last time (the visibility range may have shrunk)."
          />
        </p>
      </Card>
    </ConsoleShell>
  );
}
