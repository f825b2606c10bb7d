import type { FieldProblem } from "../../errors";
import { WEBHOOK_EVENTS, type EndpointView } from "../../services/webhooks/endpoints";
import { Csrf, Field } from "../form-parts";
import { trMessage, tr } from "../lang";
import { Bi } from "../layout";
import { Card, Time } from "./parts";
import { ConsoleShell, teamHref, type ShellProps } from "./shell";
import { EndpointState, EventList, RowsOrEmpty } from "./webhook-parts";

export interface WebhooksPageProps extends Omit<ShellProps, "title" | "section" | "children"> {
  endpoints: EndpointView[];
  /** Just added: its secret, shown this once. */
  created?: (EndpointView & { secret: string }) | undefined;
  fields?: FieldProblem[] | undefined;
  values?: { url?: string | undefined; events?: string[] } | undefined;
}

/** A team's webhook endpoints (docs/webhooks.md): the list, the add form, a new endpoint's secret once. */
export function WebhooksPage(props: WebhooksPageProps) {
  const slug = props.team?.slug ?? "";
  const at = (path: string) => teamHref(props.base, slug, path);
  const err = (field: string) => props.fields?.find((f) => f.field === field);
  const chosen = new Set(props.values?.events ?? []);
  return (
    <ConsoleShell {...props} title={{ zh: "Webhook", en: "Webhooks" }} section="webhooks">
      {props.created ? (
        <section class="card ok" aria-labelledby="created-title" id="created">
          <h2 id="created-title">
            <Bi zh="Webhook 已添加" en="Webhook endpoint added" />
          </h2>
          <p>
            <Bi
              zh="签名密钥只显示这一次，请现在复制到接收方的配置中："
              en="The signing secret is shown only this once; copy it into the receiver's settings now:"
            />
          </p>
          <p class="copy">
            <code id="secret">{props.created.secret}</code>
          </p>
          <p class="hint">
            <Bi
              zh="接收方用它按 Standard Webhooks 规范校验 webhook-signature。"
              en="The receiver verifies webhook-signature with it, as the Standard Webhooks specification says."
            />
          </p>
        </section>
      ) : null}
      <Card id="endpoints-title" title={{ zh: "接收地址", en: "Endpoints" }}>
        <RowsOrEmpty
          id="endpoints"
          count={props.endpoints.length}
          columns={[
            { zh: "地址", en: "URL" },
            { zh: "事件", en: "Events" },
            { zh: "状态", en: "State" },
            { zh: "添加于", en: "Added" },
          ]}
          empty={{
            id: "no-endpoints",
            text: {
              zh: "还没有 Webhook。添加一个，让其他应用收到成员和部门的变化。",
              en: "No endpoints yet. Add one so other applications learn of member and department changes.",
            },
          }}
        >
          {props.endpoints.map((e) => (
            <tr id={`endpoint-${e.id}`}>
              <td data-label={tr({ zh: "地址", en: "URL" })}>
                <a href={at(`/webhooks/${e.id}`)}>
                  <code>{e.url}</code>
                </a>
              </td>
              <td data-label={tr({ zh: "事件", en: "Events" })}>
                <EventList events={e.events} />
              </td>
              <td data-label={tr({ zh: "状态", en: "State" })}>
                <EndpointState endpoint={e} />
              </td>
              <td data-label={tr({ zh: "添加于", en: "Added" })}>
                <Time iso={e.createdAt} />
              </td>
              <td class="actions">
                <form method="post" action={at(`/webhooks/${e.id}/delete`)} class="inline">
                  <Csrf token={props.csrf} />
                  <button type="submit" class="danger small" aria-label={`${tr({ zh: "删除", en: "Delete" })} ${e.url}`}>
                    <Bi zh="删除" en="Delete" />
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </RowsOrEmpty>
      </Card>
      <form method="post" action={at("/webhooks")} class="card" id="add-endpoint" aria-labelledby="add-title">
        <h2 id="add-title">
          <Bi zh="添加 Webhook" en="Add an endpoint" />
        </h2>
        <Csrf token={props.csrf} />
        <Field
          name="url"
          type="url"
          label={{ zh: "接收地址（http 或 https）", en: "Receiver URL (http or https)" }}
          value={props.values?.url}
          maxlength={2000}
          error={err("url")}
          hint={{
            zh: "不接受本机和内网地址，也不接受解析到这类地址的主机名。",
            en: "Loopback and private addresses are refused, and so are names that resolve to one.",
          }}
        />
        <fieldset aria-describedby="events-hint">
          <legend>
            <Bi zh="事件" en="Events" />
          </legend>
          <p class="hint" id="events-hint">
            <Bi zh="都不勾选即接收全部事件。" en="Tick none to receive every event." />
          </p>
          {err("events") ? <p class="field-error">{trMessage(err("events")!.message)}</p> : null}
          {WEBHOOK_EVENTS.map((t) => (
            <div>
              <input type="checkbox" name="events" value={t} id={`ev-${t}`} checked={chosen.has(t)} />{" "}
              <label class="inline" for={`ev-${t}`}>
                <code>{t}</code>
              </label>
            </div>
          ))}
        </fieldset>
        <button type="submit" id="add-webhook">
          <Bi zh="添加" en="Add" />
        </button>
      </form>
    </ConsoleShell>
  );
}
