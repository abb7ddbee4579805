import { createEffect, createUniqueId, type JSX } from "solid-js";

/**
 * A modal confirmation (the native dialog: focus stays inside, Escape cancels). Focus returns
 * to what opened it when it closes.
 */
export function ConfirmDialog(props: {
  readonly open: boolean;
  readonly title: string;
  readonly confirmLabel: string;
  readonly busy?: boolean;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
  readonly children?: JSX.Element;
}): JSX.Element {
  let dialog!: HTMLDialogElement;
  const titleId = `dialog-${createUniqueId()}`;
  let opener: Element | null = null;
  createEffect(() => {
    if (props.open && !dialog.open) {
      opener = document.activeElement;
      dialog.showModal();
    } else if (!props.open && dialog.open) {
      dialog.close();
    }
  });
  const restoreFocus = (): void => {
    if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
  };
  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        props.onCancel();
      }}
      onClose={restoreFocus}
    >
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
      <div class="dialog-actions">
        <button
          type="button"
          class="button"
          onClick={() => {
            props.onCancel();
          }}
          autofocus
        >
          Cancel
        </button>
        <button
          type="button"
          class="button button-danger"
          disabled={props.busy}
          onClick={() => {
            props.onConfirm();
          }}
        >
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
