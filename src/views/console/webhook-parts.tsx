import type { Child } from "hono/jsx";
import type { EndpointView } from "../../services/webhooks/endpoints";
import { labelOf, type Bilingual } from "../labels";
import { Bi } from "../layout";
import { Time } from "./parts";

const ENDPOINT_STATE: Record<string, Bilingual> = {
  enabled: { zh: "正常", en: "enabled" },
  failing: { zh: "投递失败中", en: "failing" },
  disabled: { zh: "已停用", en: "disabled" },
};

export const DELIVERY_STATUS: Record<string, Bilingual> = {
  pending: { zh: "等待中", en: "pending" },
  delivered: { zh: "已送达", en: "delivered" },
  failed: { zh: "失败", en: "failed" },
};

const stateOf = (e: EndpointView) => (e.disabledAt ? "disabled" : e.failingSince ? "failing" : "enabled");

/** Enabled, failing since when, or disabled since when. */
export function EndpointState(props: { endpoint: EndpointView }) {
  const state = stateOf(props.endpoint);
  return (
    <>
      <span class={`st st-${state}`} data-state={state}>
        <Bi {...labelOf(ENDPOINT_STATE, state)} />
      </span>
      {state === "disabled" ? (
        <>
          {" "}
          <Time iso={props.endpoint.disabledAt} />
        </>
      ) : state === "failing" ? (
        <>
          {" "}
          <Bi zh="自" en="since" /> <Time iso={props.endpoint.failingSince} />
        </>
      ) : null}
    </>
  );
}

/** The event filter as a person reads it: every type, or the list. */
export function EventList(props: { events: string[] | null }) {
  if (!props.events) return <Bi zh="全部事件" en="every event" />;
  return (
    <>
      {props.events.map((e, i) => (
        <>
          {i > 0 ? " " : ""}
          <code>{e}</code>
        </>
      ))}
    </>
  );
}

/**
 * A card's table of rows, stacked into label: value blocks on a phone (table.stack), with a last
 * column for the row's buttons; a sentence instead when there are no rows.
 */
export function RowsOrEmpty(props: {
  id: string;
  count: number;
  columns: Bilingual[];
  empty: { id: string; text: Bilingual };
  children: Child;
}) {
  if (props.count === 0) {
    return (
      <p class="muted" id={props.empty.id}>
        <Bi {...props.empty.text} />
      </p>
    );
  }
  return (
    <div class="scroll">
      <table class="data stack" id={props.id}>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th scope="col">
                <Bi {...c} />
              </th>
            ))}
            <th scope="col">
              <span class="sr">
                <Bi zh="操作" en="Actions" />
              </span>
            </th>
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
