import { A } from "@solidjs/router";
import { For, type JSX } from "solid-js";

/** Tabs that are routes: each is a link, the current one marked for assistive technology. */
export function TabNav(props: {
  readonly label: string;
  readonly tabs: readonly { readonly href: string; readonly label: string }[];
}): JSX.Element {
  return (
    <nav class="tabs" aria-label={props.label}>
      <For each={props.tabs}>
        {(tab) => (
          <A href={tab.href} class="tab" activeClass="tab-active" end>
            {tab.label}
          </A>
        )}
      </For>
    </nav>
  );
}
