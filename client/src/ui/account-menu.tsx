import { A, useLocation } from "@solidjs/router";
import { createEffect, createSignal, For, on, onCleanup, type JSX } from "solid-js";

/** "ada.lovelace@…" → "AL"; "x@…" → "X". */
export function initialsOf(email: string): string {
  const local = email.split("@")[0] ?? "";
  const words = local.split(/[._\-+]+/).filter((word) => /[a-z0-9]/i.test(word));
  const letters = (words.length > 1 ? [words[0], words[1]] : [local])
    .map((word) => (word ?? "").replace(/[^a-z0-9]/gi, "").charAt(0))
    .join("");
  return letters.toUpperCase() || "?";
}

const ITEMS = [
  { href: "/account/api-keys", label: "Settings" },
  { href: "/account/agent-credentials", label: "Agent Credentials" },
  { href: "/account/access-tokens", label: "Access tokens" },
] as const;

/**
 * The account menu as people know it: the avatar (initials) top right opens Settings, Agent
 * Credentials, Access tokens and Sign out. A menu button (WAI-ARIA): Enter, Space or ArrowDown
 * open it on the first item, arrows move, Escape closes and returns focus, a click elsewhere
 * closes it.
 */
export function AccountMenu(props: {
  readonly email: string;
  readonly onSignOut: () => void;
}): JSX.Element {
  const [open, setOpen] = createSignal(false);
  const location = useLocation();
  let root!: HTMLDivElement;
  let button!: HTMLButtonElement;
  const items = (): HTMLElement[] => [...root.querySelectorAll<HTMLElement>('[role="menuitem"]')];
  const focusItem = (index: number): void => {
    const list = items();
    list[(index + list.length) % list.length]?.focus();
  };
  const close = (returnFocus: boolean): void => {
    setOpen(false);
    if (returnFocus) button.focus();
  };
  const openAt = (index: number): void => {
    setOpen(true);
    queueMicrotask(() => {
      focusItem(index);
    });
  };

  // Navigating (an item followed) closes it.
  createEffect(
    on(
      () => location.pathname,
      () => setOpen(false),
      { defer: true },
    ),
  );
  const outside = (event: PointerEvent): void => {
    if (open() && !root.contains(event.target as Node)) close(false);
  };
  document.addEventListener("pointerdown", outside);
  onCleanup(() => {
    document.removeEventListener("pointerdown", outside);
  });

  const onMenuKey = (event: KeyboardEvent): void => {
    const index = items().indexOf(document.activeElement as HTMLElement);
    if (event.key === "ArrowDown") focusItem(index + 1);
    else if (event.key === "ArrowUp") focusItem(index - 1);
    else if (event.key === "Home") focusItem(0);
    else if (event.key === "End") focusItem(-1);
    else if (event.key === "Escape" || event.key === "Tab") {
      close(event.key === "Escape");
      if (event.key === "Tab") return;
    } else return;
    event.preventDefault();
  };

  return (
    <div class="account-menu" ref={root}>
      <button
        ref={button}
        type="button"
        class="avatar"
        aria-haspopup="menu"
        aria-expanded={open()}
        aria-controls="account-menu-list"
        title={props.email}
        onClick={() => {
          if (open()) close(false);
          else openAt(0);
        }}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown" || event.key === "ArrowUp") {
            event.preventDefault();
            openAt(event.key === "ArrowDown" ? 0 : -1);
          }
        }}
      >
        <span aria-hidden="true">{initialsOf(props.email)}</span>
        <span class="visually-hidden">Account menu for {props.email}</span>
      </button>
      <div
        id="account-menu-list"
        class="account-menu-list"
        role="menu"
        aria-label="Account"
        hidden={!open()}
        onKeyDown={onMenuKey}
      >
        <p class="account-menu-email" title={props.email}>
          {props.email}
        </p>
        <For each={ITEMS}>
          {(item) => (
            <A href={item.href} role="menuitem" tabIndex={-1} class="account-menu-item">
              {item.label}
            </A>
          )}
        </For>
        <button
          type="button"
          role="menuitem"
          tabIndex={-1}
          class="account-menu-item"
          onClick={() => {
            setOpen(false);
            props.onSignOut();
          }}
        >
          Sign out
        </button>
      </div>
    </div>
  );
}
