import type { JSX } from "solid-js";

/** A placeholder while data loads: says so to screen readers, shows nothing that could be wrong. */
export function Loading(props: { readonly label?: string }): JSX.Element {
  return (
    <p class="loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {props.label ?? "Loading…"}
    </p>
  );
}
