import { For, type JSX } from "solid-js";

/** Splits `code` spans out of a step: [text, code, text, …]. */
export function codeSpans(
  text: string,
): readonly { readonly code: boolean; readonly text: string }[] {
  return text
    .split("`")
    .map((part, index) => ({ code: index % 2 === 1, text: part }))
    .filter((part) => part.text !== "");
}

/** Instructions from the api as an ordered list, with `backticked` commands and paths as code. */
export function Steps(props: { readonly steps: readonly string[] }): JSX.Element {
  return (
    <ol class="steps">
      <For each={props.steps}>
        {(step) => (
          <li>
            <For each={codeSpans(step)}>
              {(part) => (part.code ? <code>{part.text}</code> : part.text)}
            </For>
          </li>
        )}
      </For>
    </ol>
  );
}
