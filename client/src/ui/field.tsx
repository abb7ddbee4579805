import { Show, type JSX } from "solid-js";

/** What a control needs to be tied to its label, hint and error. */
export interface ControlProps {
  readonly id: string;
  readonly "aria-invalid": "true" | undefined;
  readonly "aria-describedby": string | undefined;
}

/**
 * A labelled control with its hint and error wired for assistive technology. The control is
 * the caller's (input, textarea, select), given the attributes that tie it in.
 */
export function Field(props: {
  readonly label: string;
  readonly id: string;
  readonly hint?: JSX.Element;
  readonly error?: string | undefined;
  readonly children: (control: ControlProps) => JSX.Element;
}): JSX.Element {
  const describedBy = (): string | undefined =>
    [props.hint ? `${props.id}-hint` : "", props.error ? `${props.id}-error` : ""]
      .filter(Boolean)
      .join(" ") || undefined;
  return (
    <div class="field" classList={{ "field-invalid": Boolean(props.error) }}>
      <label for={props.id}>{props.label}</label>
      <Show when={props.hint}>
        <div class="field-hint" id={`${props.id}-hint`}>
          {props.hint}
        </div>
      </Show>
      {props.children({
        get id() {
          return props.id;
        },
        get "aria-invalid"() {
          return props.error ? ("true" as const) : undefined;
        },
        get "aria-describedby"() {
          return describedBy();
        },
      })}
      <Show when={props.error}>
        <p class="field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      </Show>
    </div>
  );
}
