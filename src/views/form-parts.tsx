import type { FieldProblem } from "../errors";
import { CSRF_FIELD } from "../security/csrf";
import type { Bilingual } from "./labels";
import { Bi } from "./layout";
import { trMessage } from "./lang";

/** The hidden CSRF field every posted form carries (routes/pages/form-kit.ts checks it). */
export function Csrf(props: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={props.token} />;
}

/** A labelled text input with its hint and the server's problem with it, wired for screen readers. */
export function Field(props: {
  name: string;
  label: Bilingual;
  type?: string;
  value?: string | undefined;
  /** "off" unless given: most fields here are credentials or ids a browser should not suggest. */
  autocomplete?: string;
  required?: boolean;
  pattern?: string;
  minlength?: number;
  maxlength?: number;
  inputmode?: "numeric" | "text";
  hint?: Bilingual | undefined;
  error?: FieldProblem | undefined;
  /** Typed exactly (usernames, passwords, ids, keys): no auto-capitals, no spelling fixes. */
  literal?: boolean;
}) {
  const literal = props.literal ?? true;
  const id = `f-${props.name}`;
  const describedBy = [props.hint ? `${id}-hint` : null, props.error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <>
      <label for={id}>
        <Bi {...props.label} />
      </label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value}
        autocomplete={props.autocomplete ?? "off"}
        autocapitalize={literal ? "none" : undefined}
        spellcheck={literal ? false : undefined}
        required={props.required ?? true}
        pattern={props.pattern}
        minlength={props.minlength}
        maxlength={props.maxlength}
        inputmode={props.inputmode}
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
          {trMessage(props.error.message)}
        </p>
      ) : null}
    </>
  );
}
