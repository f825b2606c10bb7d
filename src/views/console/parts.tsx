import type { FieldProblem } from "../../errors";
import { CSRF_FIELD } from "../../security/csrf";
import { stateLabel, type Bilingual } from "../labels";
import { Bi, Layout } from "../layout";
import { ConsoleStyle } from "./styles";
import { memberStatus } from "./text";

export function Csrf(props: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={props.token} />;
}

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

export function Utc(props: { iso: string | null | undefined }) {
  if (!props.iso) return <span>—</span>;
  return <time datetime={props.iso}>{`${props.iso.slice(0, 16).replace("T", " ")} UTC`}</time>;
}

/** A labelled text input with its hint and the server's problem with it, wired for screen readers. */
export function Field(props: {
  name: string;
  label: Bilingual;
  value?: string | undefined;
  type?: string;
  required?: boolean;
  pattern?: string;
  minlength?: number;
  maxlength?: number;
  inputmode?: "numeric" | "text";
  autocomplete?: string;
  hint?: Bilingual | undefined;
  error?: FieldProblem | undefined;
}) {
  const id = `f-${props.name}`;
  const describedBy = [props.hint ? `${id}-hint` : null, props.error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div>
      <label for={id}>
        <Bi {...props.label} />
      </label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value}
        required={props.required ?? true}
        pattern={props.pattern}
        minlength={props.minlength}
        maxlength={props.maxlength}
        inputmode={props.inputmode}
        autocomplete={props.autocomplete ?? "off"}
        autocapitalize="none"
        spellcheck={false}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={describedBy}
      />
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          <Bi {...props.hint} />
        </p>
      ) : null}
      {props.error ? (
        <p class="field-error" id={`${id}-error`}>
          {props.error.message}
        </p>
      ) : null}
    </div>
  );
}

/**
 * A refusal (403 with the API's code: forbidden, member_locked, not_authorized, not_a_member) or
 * a miss. Says what to do, and nothing about the team asked for.
 */
export function ConsoleStatus(props: { nonce: string; base: string; code: string; message: string }) {
  return (
    <Layout title={props.message} nonce={props.nonce} head={<ConsoleStyle nonce={props.nonce} />}>
      <div class="card alert" role="alert">
        <h1>{props.message}</h1>
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
