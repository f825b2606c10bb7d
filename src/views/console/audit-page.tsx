import { tr } from "../lang";
import type { readAudit } from "../../services/directory/read-audit";
import { Bi } from "../layout";
import { labelOf, type Bilingual } from "../labels";
import { FilterForm, FilterSelect, Pager, withQuery } from "./list-parts";
import { Time } from "./parts";
import { ConsoleShell, teamHref, type ShellProps } from "./shell";
import { AUDIT_ACTIONS, auditAction } from "./text";

export type AuditItem = Awaited<ReturnType<typeof readAudit>>["items"][number];

const SUBJECTS: Record<string, Bilingual> = {
  member: { zh: "成员", en: "member" },
  department: { zh: "部门", en: "department" },
  job: { zh: "同步任务", en: "job" },
  policy: { zh: "离职策略", en: "policy" },
  account: { zh: "账号", en: "account" },
  webhook: { zh: "Webhook", en: "webhook" },
};

const INITIATOR: Record<string, Bilingual> = {
  admin: { zh: "管理员", en: "admin" },
  callback: { zh: "回调", en: "callback" },
  schedule: { zh: "定时", en: "schedule" },
  system: { zh: "系统", en: "system" },
};

const brief = (v: unknown): string => (v === null || v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v));

const asRecord = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** The fields that differ between before and after, each as field: before → after. */
export function fieldChanges(before: unknown, after: unknown): { field: string; before: string; after: string }[] {
  const b = asRecord(before);
  const a = asRecord(after);
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys
    .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
    .map((k) => ({ field: k, before: brief(b[k]), after: brief(a[k]) }));
}

/** A subject by name where the entry carries one ("张三 (zhangsan)"), else by kind and id. */
function subjectText(r: AuditItem): string | null {
  const named = { ...asRecord(r.before), ...asRecord(r.after) };
  const name = typeof named.name === "string" ? named.name : null;
  const userId = typeof named.wecomUserId === "string" ? named.wecomUserId : typeof named.userid === "string" ? named.userid : null;
  if (name && userId) return `${name} (${userId})`;
  return name ?? userId;
}

/** Who acted: an account's username or a member's name, linked to their member page in the team; else the raw actor. */
function ActorText(props: { actor: string; name: AuditItem["actorName"]; memberHref?: ((id: string) => string) | undefined }) {
  const n = props.name;
  if (!n) return <code>{props.actor}</code>;
  const text = n.name && n.name !== n.handle ? `${n.name} (${n.handle})` : n.handle;
  return n.memberId !== null && props.memberHref ? (
    <a href={props.memberHref(String(n.memberId))} class="actor">
      {text}
    </a>
  ) : (
    <span class="actor">{text}</span>
  );
}

export function AuditTable(props: { items: AuditItem[]; memberHref?: ((id: string) => string) | undefined }) {
  if (props.items.length === 0) {
    return (
      <p class="muted">
        <Bi zh="没有记录。" en="No entries." />
      </p>
    );
  }
  return (
    <div class="scroll">
      <table class="data stack" id="audit">
        <thead>
          <tr>
            <th scope="col">
              <Bi zh="时间" en="When" />
            </th>
            <th scope="col">
              <Bi zh="操作" en="Action" />
            </th>
            <th scope="col">
              <Bi zh="对象" en="Subject" />
            </th>
            <th scope="col">
              <Bi zh="发起" en="By" />
            </th>
            <th scope="col">
              <Bi zh="变更" en="Change" />
            </th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((r) => (
            <tr>
              <td data-label={tr({ zh: "时间", en: "When" })}>
                <Time iso={r.at} />
              </td>
              <td data-label={tr({ zh: "操作", en: "Action" })} data-action={r.action}>
                <Bi {...auditAction(r.action)} />
              </td>
              <td data-label={tr({ zh: "对象", en: "Subject" })}>
                {r.subjectType === "member" && props.memberHref ? (
                  <a href={props.memberHref(r.subjectId)}>{subjectText(r) ?? `${tr(SUBJECTS.member!)} #${r.subjectId}`}</a>
                ) : (
                  (subjectText(r) ?? `${tr(labelOf(SUBJECTS, r.subjectType))} #${r.subjectId}`)
                )}
              </td>
              <td data-label={tr({ zh: "发起", en: "By" })}>
                <Bi {...labelOf(INITIATOR, r.initiator)} />
                {r.actor && r.actor !== r.initiator ? (
                  <>
                    {" "}
                    <ActorText actor={r.actor} name={r.actorName} memberHref={props.memberHref} />
                  </>
                ) : null}
                {r.jobId ? ` · ${tr({ zh: "任务", en: "job" })} #${r.jobId}` : ""}
                {r.observedAt ? (
                  <>
                    {" · "}
                    <Bi zh="读取企业微信于" en="read from WeCom at" /> <Time iso={r.observedAt} />
                  </>
                ) : null}
              </td>
              <td data-label={tr({ zh: "变更", en: "Change" })}>
                <ul class="changes">
                  {fieldChanges(r.before, r.after).map((f) => (
                    <li>
                      <code>{f.field}</code>: {f.before} → {f.after}
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export interface AuditFilters {
  action: string;
  subjectType: string;
  subjectId: string;
  before: string;
}

export function AuditPage(
  props: Omit<ShellProps, "title" | "section" | "children"> & { filters: AuditFilters; items: AuditItem[]; nextCursor: string | null },
) {
  const slug = props.team?.slug ?? "";
  const at = (path: string) => teamHref(props.base, slug, path);
  const f = props.filters;
  const page = (before?: string) =>
    withQuery(at("/audit"), { action: f.action, subjectType: f.subjectType, subjectId: f.subjectId, before });
  return (
    <ConsoleShell {...props} title={{ zh: "审计日志", en: "Audit log" }} section="audit">
      <FilterForm action={at("/audit")}>
        <FilterSelect
          name="action"
          label={{ zh: "操作", en: "Action" }}
          options={AUDIT_ACTIONS.map((a) => ({ value: a, text: tr(auditAction(a)) }))}
          selected={f.action}
        />
        <FilterSelect
          name="subjectType"
          label={{ zh: "对象类型", en: "Subject type" }}
          options={["member", "department", "job", "policy"].map((t) => ({ value: t, text: tr(labelOf(SUBJECTS, t)) }))}
          selected={f.subjectType}
        />
        <div>
          <label for="f-subjectId">
            <Bi zh="对象 ID" en="Subject id" />
          </label>
          <input
            id="f-subjectId"
            name="subjectId"
            type="text"
            inputmode="numeric"
            pattern="[0-9]{1,15}"
            maxlength={15}
            value={f.subjectId}
          />
        </div>
      </FilterForm>
      <section class="card" aria-label={tr({ zh: "记录", en: "Entries" })}>
        <AuditTable items={props.items} memberHref={(id) => at(`/members/${id}`)} />
        <Pager
          firstHref={f.before ? page() : undefined}
          nextHref={props.nextCursor ? page(props.nextCursor) : undefined}
          nextId="older"
          labels={{ first: { zh: "最新", en: "Newest" }, next: { zh: "更早", en: "Older" } }}
        />
      </section>
    </ConsoleShell>
  );
}
