import { tr } from "../lang";
import type { readAudit } from "../../services/directory/read-audit";
import { Bi } from "../layout";
import { labelOf, type Bilingual } from "../labels";
import { FilterForm, FilterSelect, Pager, withQuery } from "./list-parts";
import { Time } from "./parts";
import { ConsoleShell, teamHref, type ShellProps } from "./shell";
import { AUDIT_ACTIONS } from "./text";

export type AuditItem = Awaited<ReturnType<typeof readAudit>>["items"][number];

const INITIATOR: Record<string, Bilingual> = {
  admin: { zh: "管理员", en: "admin" },
  callback: { zh: "回调", en: "callback" },
  schedule: { zh: "定时", en: "schedule" },
  system: { zh: "系统", en: "system" },
};

const brief = (v: unknown): string => (v === null || v === undefined ? "" : JSON.stringify(v));

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
            <th scope="col"><Bi zh="时间" en="When" /></th>
            <th scope="col"><Bi zh="操作" en="Action" /></th>
            <th scope="col"><Bi zh="对象" en="Subject" /></th>
            <th scope="col"><Bi zh="发起" en="By" /></th>
            <th scope="col"><Bi zh="变更" en="Change" /></th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((r) => (
            <tr>
              <td data-label={tr({ zh: "时间", en: "When" })}>
                <Time iso={r.at} />
              </td>
              <td data-label={tr({ zh: "操作", en: "Action" })}>
                <code>{r.action}</code>
              </td>
              <td data-label={tr({ zh: "对象", en: "Subject" })}>
                {r.subjectType === "member" && props.memberHref ? <a href={props.memberHref(r.subjectId)}>{`member #${r.subjectId}`}</a> : `${r.subjectType} #${r.subjectId}`}
              </td>
              <td data-label={tr({ zh: "发起", en: "By" })}>
                <Bi {...labelOf(INITIATOR, r.initiator)} />
                {r.actor && r.actor !== r.initiator ? (
                  <>
                    {" "}
                    <code>{r.actor}</code>
                  </>
                ) : null}
                {r.jobId ? ` · job #${r.jobId}` : ""}
                {r.observedAt ? (
                  <>
                    {" · "}
                    <Bi zh="读取企业微信于" en="read from WeCom at" />{" "}
                    <Time iso={r.observedAt} />
                  </>
                ) : null}
              </td>
              <td data-label={tr({ zh: "变更", en: "Change" })}>
                {r.before || r.after ? (
                  <details>
                    <summary><Bi zh="详情" en="Details" /></summary>
                    <pre>{`${brief(r.before)}\n→ ${brief(r.after)}`}</pre>
                  </details>
                ) : null}
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

export function AuditPage(props: Omit<ShellProps, "title" | "section" | "children"> & { filters: AuditFilters; items: AuditItem[]; nextCursor: string | null }) {
  const slug = props.team?.slug ?? "";
  const at = (path: string) => teamHref(props.base, slug, path);
  const f = props.filters;
  const page = (before?: string) => withQuery(at("/audit"), { action: f.action, subjectType: f.subjectType, subjectId: f.subjectId, before });
  return (
    <ConsoleShell {...props} title={{ zh: "审计日志", en: "Audit log" }} section="audit">
      <FilterForm action={at("/audit")}>
        <FilterSelect name="action" label={{ zh: "操作", en: "Action" }} options={AUDIT_ACTIONS.map((a) => ({ value: a, text: a }))} selected={f.action} />
        <FilterSelect name="subjectType" label={{ zh: "对象类型", en: "Subject type" }} options={["member", "department", "job", "policy"].map((t) => ({ value: t, text: t }))} selected={f.subjectType} />
        <div>
          <label for="f-subjectId">
            <Bi zh="对象 ID" en="Subject id" />
          </label>
          <input id="f-subjectId" name="subjectId" type="text" inputmode="numeric" pattern="[0-9]{1,15}" maxlength={15} value={f.subjectId} />
        </div>
      </FilterForm>
      <section class="card" aria-label={tr({ zh: "记录", en: "Entries" })}>
        <AuditTable items={props.items} memberHref={(id) => at(`/members/${id}`)} />
        <Pager firstHref={f.before ? page() : undefined} nextHref={props.nextCursor ? page(props.nextCursor) : undefined} nextId="older" labels={{ first: { zh: "最新", en: "Newest" }, next: { zh: "更早", en: "Older" } }} />
      </section>
    </ConsoleShell>
  );
}
