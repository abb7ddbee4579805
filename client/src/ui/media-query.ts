import { createSignal, onCleanup, type Accessor } from "solid-js";

/** The layouts' one breakpoint (styles.css's `@media (max-width: 760px)`). */
export const PHONE_QUERY = "(max-width: 760px)";

/** Whether the media query matches, kept current as the window changes. */
export function createMediaQuery(query: string): Accessor<boolean> {
  // jsdom (unit tests) has no matchMedia: the desktop layout.
  if (typeof window.matchMedia !== "function") return () => false;
  const list = window.matchMedia(query);
  const [matches, setMatches] = createSignal(list.matches);
  const change = (event: MediaQueryListEvent): void => {
    setMatches(event.matches);
  };
  list.addEventListener("change", change);
  onCleanup(() => {
    list.removeEventListener("change", change);
  });
  return matches;
}
