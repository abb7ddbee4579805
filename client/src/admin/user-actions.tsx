import { createMutation, type CombinedError } from "@urql/solid";
import { createSignal, Show, type JSX } from "solid-js";
import {
  DeleteUserDocument,
  SetUserDisabledDocument,
  SetUserRoleDocument,
} from "../gql/graphql.js";
import { problemFrom, type Problem } from "../lib/errors.js";
import { ConfirmDialog } from "../ui/confirm-dialog.js";
import { ProblemNotice } from "../ui/problem-notice.js";

/** Deleting a user (a Boolean answer) refetches what listed them. */
export const USER_TYPES = { additionalTypenames: ["User", "CredentialInfo"] };

export interface AdminUserRow {
  readonly id: string;
  readonly email: string;
  readonly role: "ADMIN" | "USER";
  readonly disabledAt?: unknown;
}

/**
 * What an admin does to another account: make or unmake an admin, disable or enable it, delete
 * it (behind a confirmation that says what goes). The api refuses leaving no admin; its answer
 * is shown under the buttons.
 */
export function UserActions(props: {
  readonly user: AdminUserRow;
  /** The admin themselves: they may step down (if another admin stays), not disable or delete. */
  readonly self: boolean;
}): JSX.Element {
  const [, setRole] = createMutation(SetUserRoleDocument);
  const [, setDisabled] = createMutation(SetUserDisabledDocument);
  const [, deleteUser] = createMutation(DeleteUserDocument);
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem>();
  const [confirming, setConfirming] = createSignal(false);
  const disabled = () => Boolean(props.user.disabledAt);

  const run = async (change: () => Promise<{ error?: CombinedError }>): Promise<void> => {
    setBusy(true);
    setProblem(undefined);
    const result = await change();
    setBusy(false);
    if (result.error) setProblem(problemFrom(result.error));
  };

  return (
    <section aria-labelledby="user-actions-title" class="card">
      <h2 id="user-actions-title">{props.user.email}</h2>
      <p>
        {props.user.role === "ADMIN" ? "Admin" : "User"} ·{" "}
        {disabled() ? "Disabled: cannot sign in" : "Active"}
      </p>
      <div class="form-actions">
        <button
          type="button"
          class="button button-small"
          disabled={busy()}
          aria-label={`${props.user.role === "ADMIN" ? "Remove admin" : "Make admin"}: ${props.user.email}`}
          onClick={() =>
            void run(() =>
              setRole({ id: props.user.id, role: props.user.role === "ADMIN" ? "USER" : "ADMIN" }),
            )
          }
        >
          {props.user.role === "ADMIN" ? "Remove admin" : "Make admin"}
        </button>
        <Show when={!props.self}>
          <button
            type="button"
            class="button button-small"
            disabled={busy()}
            aria-label={`${disabled() ? "Enable" : "Disable"} ${props.user.email}`}
            onClick={() =>
              void run(() => setDisabled({ id: props.user.id, disabled: !disabled() }))
            }
          >
            {disabled() ? "Enable" : "Disable"}
          </button>
          <button
            type="button"
            class="button button-small button-danger"
            disabled={busy()}
            aria-label={`Delete ${props.user.email}`}
            onClick={() => {
              setProblem(undefined);
              setConfirming(true);
            }}
          >
            Delete
          </button>
        </Show>
      </div>
      <Show when={problem()}>{(current) => <ProblemNotice problem={current()} />}</Show>
      <ConfirmDialog
        open={confirming()}
        title={`Delete ${props.user.email}?`}
        confirmLabel="Delete user"
        busy={busy()}
        onConfirm={() => {
          void run(() => deleteUser({ id: props.user.id }, USER_TYPES)).then(() =>
            setConfirming(false),
          );
        }}
        onCancel={() => setConfirming(false)}
      >
        <p>
          Goes with the account: the sessions it owns, with their agents, keys, messages and usage;
          its credentials and access tokens (it is signed out everywhere at once).
        </p>
        <p>
          Stays: sessions it was a member of (without it), and the audit trail, which keeps the
          email. This cannot be undone; Disable keeps everything and can be reversed.
        </p>
      </ConfirmDialog>
    </section>
  );
}
