import type { Child } from "hono/jsx";
import { stateLabel, type Bilingual } from "../labels";
import { Bi, Layout } from "../layout";
import { trMessage, useTimeZone } from "../lang";
import { formatTime } from "../time";
import { ConsoleStyle } from "./styles";
import { memberStatus } from "./text";

export function MemberBadge(props: { status: string }) {
  return (
    <span class={`st st-${props.status}`}>
      <Bi {...memberStatus(props.status)} />
    </span>
  );
}

export function JobBadge(props: { state: string }) {
  return (
    <span class={`st st-${props.state}`}>
      <Bi {...stateLabel(props.state)} />
    </span>
  );
}

/** A time in the configured zone, named beside it; the element keeps the exact instant. */
export function Time(props: { iso: string | null | undefined }) {
  const zone = useTimeZone();
  if (!props.iso) return <span>—</span>;
  return <time datetime={props.iso}>{formatTime(props.iso, zone)}</time>;
}

/**
 * A refusal (403 with the API's code: forbidden, member_locked, not_authorized, not_a_member) or
 * a miss. Says what to do, and nothing about the team asked for.
 */
export function ConsoleStatus(props: { nonce: string; base: string; code: string; message: string }) {
  return (
    <Layout title={trMessage(props.message)} nonce={props.nonce} head={<ConsoleStyle nonce={props.nonce} />}>
      <div class="card alert" role="alert">
        <h1>{trMessage(props.message)}</h1>
        <p class="muted">
          <Bi zh="错误代码" en="Error code" />: <code>{props.code}</code>
        </p>
        <p>
          <a href={`${props.base}/teams`}>
            <Bi zh="返回我的团队" en="Back to my teams" />
          </a>
        </p>
      </div>
    </Layout>
  );
}

/** A titled card: its heading names the section for screen readers (aria-labelledby). */
export function Card(props: { id: string; title: Bilingual; headingClass?: string; children: Child }) {
  return (
    <section class="card" aria-labelledby={props.id}>
      <h2 id={props.id} class={props.headingClass}>
        <Bi {...props.title} />
      </h2>
      {props.children}
    </section>
  );
}
