import type { DeliveryLogRow, EndpointView } from "../../services/webhooks/endpoints";
import { Csrf } from "../form-parts";
import { tr } from "../lang";
import { Bi } from "../layout";
import { labelOf } from "../labels";
import { Card, Time } from "./parts";
import { ConsoleShell, teamHref, type ShellProps } from "./shell";
import { DELIVERY_STATUS, EndpointState, EventList, RowsOrEmpty } from "./webhook-parts";

export interface WebhookPageProps extends Omit<ShellProps, "title" | "section" | "children"> {
  endpoint: EndpointView;
  deliveries: DeliveryLogRow[];
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** One endpoint: its state (enable again when disabled) and its delivery log, each delivery with "send again". */
export function WebhookPage(props: WebhookPageProps) {
  const slug = props.team?.slug ?? "";
  const e = props.endpoint;
  const at = (path: string) => teamHref(props.base, slug, `/webhooks/${e.id}${path}`);
  return (
    <ConsoleShell {...props} title={{ zh: "Webhook 投递记录", en: "Webhook deliveries" }} section="webhooks">
      <section class={`card${e.disabledAt ? " alert" : ""}`} aria-labelledby="endpoint-title">
        <h2 id="endpoint-title">
          <code>{e.url}</code>
        </h2>
        <p>
          <Bi zh="事件：" en="Events: " />
          <EventList events={e.events} />
        </p>
        <p id="endpoint-state">
          <Bi zh="状态：" en="State: " />
          <EndpointState endpoint={e} />
        </p>
        {e.disabledAt ? (
          <form method="post" action={at("/enable")}>
            <p>
              <Bi
                zh="连续失败 24 小时后已停用：停用期间的事件不会发送。修复接收方后重新启用。"
                en="Disabled after failing for 24 hours: events while disabled are not sent. Fix the receiver, then enable it again."
              />
            </p>
            <Csrf token={props.csrf} />
            <button type="submit" id="enable">
              <Bi zh="重新启用" en="Enable again" />
            </button>
          </form>
        ) : null}
        <p>
          <a href={teamHref(props.base, slug, "/webhooks")}>
            <Bi zh="返回 Webhook 列表" en="Back to the endpoints" />
          </a>
        </p>
      </section>
      <Card id="deliveries-title" title={{ zh: "最近 100 次投递", en: "The last 100 deliveries" }}>
        <RowsOrEmpty
          id="deliveries"
          count={props.deliveries.length}
          columns={[
            { zh: "事件", en: "Event" },
            { zh: "状态", en: "Status" },
            { zh: "尝试", en: "Attempts" },
            { zh: "最近一次", en: "Last attempt" },
            { zh: "回应", en: "Response" },
          ]}
          empty={{ id: "no-deliveries", text: { zh: "还没有投递。", en: "No deliveries yet." } }}
        >
          {props.deliveries.map((d) => (
            <tr id={`delivery-${d.id}`}>
              <td data-label={tr({ zh: "事件", en: "Event" })}>
                <code>{d.type}</code> <code class="muted">{d.eventId}</code>
              </td>
              <td data-label={tr({ zh: "状态", en: "Status" })}>
                <span class={`st st-${d.status}`}>
                  <Bi {...labelOf(DELIVERY_STATUS, d.status)} />
                </span>
                {d.status === "pending" && d.attempts > 0 ? (
                  <>
                    {" "}
                    <Bi zh="下次：" en="next: " />
                    <Time iso={iso(d.nextAttemptAt)} />
                  </>
                ) : null}
              </td>
              <td data-label={tr({ zh: "尝试", en: "Attempts" })} class="num">
                {d.attempts}
              </td>
              <td data-label={tr({ zh: "最近一次", en: "Last attempt" })}>
                <Time iso={iso(d.lastAttemptAt)} />
                {d.lastLatencyMs !== null ? ` · ${d.lastLatencyMs} ms` : ""}
              </td>
              <td data-label={tr({ zh: "回应", en: "Response" })}>
                {d.lastStatus !== null ? <code>HTTP {d.lastStatus}</code> : null}
                {d.lastError ? <code>{d.lastError}</code> : null}
                {d.lastResponse ? <pre>{d.lastResponse}</pre> : null}
              </td>
              <td class="actions">
                {d.status !== "pending" && !e.disabledAt ? (
                  <form method="post" action={at(`/deliveries/${d.id}/retry`)} class="inline">
                    <Csrf token={props.csrf} />
                    <button type="submit" class="secondary small" id={`retry-${d.id}`}>
                      <Bi zh="重新发送" en="Send again" />
                    </button>
                  </form>
                ) : null}
              </td>
            </tr>
          ))}
        </RowsOrEmpty>
      </Card>
    </ConsoleShell>
  );
}
