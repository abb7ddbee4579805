import { createEffect, onMount, Show, type JSX } from "solid-js";

/**
 * A page with its heading. The heading takes focus when the page opens, so keyboard and screen
 * reader users start at the new content after a navigation (unless a field asks for focus).
 */
export function Page(props: {
  readonly title: string;
  readonly actions?: JSX.Element;
  readonly focusHeading?: boolean;
  readonly children?: JSX.Element;
}): JSX.Element {
  let heading!: HTMLHeadingElement;
  // The tab's title names the page too (screen readers announce it on navigation).
  createEffect(() => {
    document.title = `${props.title} · Agentry`;
  });
  onMount(() => {
    if (props.focusHeading !== false) heading.focus({ preventScroll: true });
  });
  return (
    <section class="page">
      <header class="page-header">
        <h1 ref={heading} tabIndex={-1}>
          {props.title}
        </h1>
        <Show when={props.actions}>
          <div class="page-actions">{props.actions}</div>
        </Show>
      </header>
      {props.children}
    </section>
  );
}
