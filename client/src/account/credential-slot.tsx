import { createMutation } from "@urql/solid";
import { createSignal, Show, type JSX } from "solid-js";
import { Dynamic } from "solid-js/web";
import {
  RemoveAccountCredentialDocument,
  SetAccountCredentialDocument,
  VerifyCredentialDocument,
  type VerifyCredentialMutation,
  type CredentialFieldsFragment,
  type CredentialKind,
  type Provider,
} from "../gql/graphql.js";
import { problemFrom, type Problem } from "../lib/errors.js";
import { formatDateTime } from "../lib/format.js";
import { ConfirmDialog } from "../ui/confirm-dialog.js";
import { CredentialSummary } from "../ui/credential-summary.js";
import { Field } from "../ui/field.js";
import { ProblemNotice } from "../ui/problem-notice.js";
import type { CredentialCheck } from "./credential-checks.js";

const CREDENTIAL_TYPES = { additionalTypenames: ["CredentialInfo"] };

/**
 * One account credential (provider × kind): its metadata when stored, and add / replace /
 * remove. The secret goes one way: it is pasted, sent, and never shown again.
 */
export function CredentialSlot(props: {
  readonly id: string;
  readonly title: string;
  /** The title's heading level: 4 inside an agent's panel. */
  readonly headingLevel?: 3 | 4;
  readonly provider: Provider;
  readonly kind: CredentialKind;
  readonly stored: CredentialFieldsFragment | undefined;
  readonly check: CredentialCheck;
  readonly secretLabel: string;
  readonly placeholder?: string;
  readonly multiline?: boolean;
  /** The buttons' words (Agent Credentials says "Save Credentials", "Remove Credentials"). */
  readonly saveLabel?: string;
  readonly removeLabel?: string;
  /** A sign-in the platform runs for this credential (device code, code flow), if any. */
  readonly signIn?: JSX.Element;
  readonly children?: JSX.Element;
}): JSX.Element {
  const [, setCredential] = createMutation(SetAccountCredentialDocument);
  const [, removeCredential] = createMutation(RemoveAccountCredentialDocument);
  const [, verifyCredential] = createMutation(VerifyCredentialDocument);
  const [verification, setVerification] = createSignal<Verification>();
  const [editing, setEditing] = createSignal(false);
  const [secret, setSecret] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem>();
  const [done, setDone] = createSignal<string>();
  const [confirming, setConfirming] = createSignal(false);
  let input: HTMLInputElement | HTMLTextAreaElement | undefined;

  const formOpen = (): boolean => props.stored === undefined || editing();
  const fieldId = (): string => `${props.id}-secret`;

  const save = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    setDone(undefined);
    const refused = props.check(secret());
    if (refused !== undefined) {
      setProblem({ code: "BAD_USER_INPUT", title: refused, field: "secret" });
      input?.focus();
      return;
    }
    setBusy(true);
    setProblem(undefined);
    const replacing = props.stored !== undefined;
    const result = await setCredential(
      { provider: props.provider, kind: props.kind, secret: secret() },
      CREDENTIAL_TYPES,
    );
    setBusy(false);
    if (result.data) {
      setSecret("");
      setEditing(false);
      setDone(replacing ? "Replaced. The next message uses the new one." : "Saved.");
    } else if (result.error) {
      setProblem(problemFrom(result.error));
      input?.focus();
    }
  };

  const verify = async (id: string): Promise<void> => {
    setBusy(true);
    setDone(undefined);
    setProblem(undefined);
    setVerification(undefined);
    const result = await verifyCredential({ id });
    setBusy(false);
    if (result.data) setVerification(result.data.verifyCredential);
    else if (result.error) setProblem(problemFrom(result.error));
  };

  const remove = async (): Promise<void> => {
    setBusy(true);
    setDone(undefined);
    const result = await removeCredential(
      { provider: props.provider, kind: props.kind },
      CREDENTIAL_TYPES,
    );
    setBusy(false);
    setConfirming(false);
    if (result.error) setProblem(problemFrom(result.error));
    else setDone("Removed.");
  };

  return (
    <article
      class="card credential-slot"
      aria-labelledby={`${props.id}-title`}
      data-testid={props.id}
    >
      <Dynamic component={props.headingLevel === 4 ? "h4" : "h3"} id={`${props.id}-title`}>
        {props.title}
      </Dynamic>
      {props.children}
      <Show when={props.signIn}>
        <div class="sign-in-offer">{props.signIn}</div>
      </Show>
      <Show when={done()}>
        <p class="notice notice-success" role="status">
          {done()}
        </p>
      </Show>
      <Show when={problem() !== undefined && problem()?.field === undefined}>
        <ProblemNotice problem={problem() as Problem} />
      </Show>
      <Show when={props.stored}>
        {(stored) => (
          <>
            <CredentialSummary credential={stored()} />
            <Show when={verification()}>
              {(checked) => <VerificationNotice verification={checked()} />}
            </Show>
            <div class="form-actions">
              <button
                type="button"
                class="button"
                disabled={busy()}
                onClick={() => void verify(stored().id)}
              >
                {busy() && verification() === undefined ? "Checking…" : "Verify"}
              </button>
              <Show when={!editing()}>
                <button
                  type="button"
                  class="button"
                  onClick={() => {
                    setEditing(true);
                    setDone(undefined);
                    queueMicrotask(() => input?.focus());
                  }}
                >
                  Replace
                </button>
              </Show>
              <button
                type="button"
                class="button button-danger"
                disabled={busy()}
                onClick={() => setConfirming(true)}
              >
                {props.removeLabel ?? "Remove"}
              </button>
            </div>
          </>
        )}
      </Show>
      <Show when={formOpen()}>
        <form class="form" onSubmit={(event) => void save(event)} novalidate>
          <Field
            label={props.stored ? `New ${props.secretLabel}` : props.secretLabel}
            id={fieldId()}
            error={problem()?.field === "secret" ? problem()?.title : undefined}
          >
            {(control) => (
              <Show
                when={props.multiline}
                fallback={
                  <input
                    {...control}
                    ref={(el) => (input = el)}
                    type="password"
                    autocomplete="off"
                    spellcheck={false}
                    placeholder={props.placeholder}
                    value={secret()}
                    onInput={(event) => setSecret(event.currentTarget.value)}
                  />
                }
              >
                <textarea
                  {...control}
                  ref={(el) => (input = el)}
                  rows={5}
                  autocomplete="off"
                  spellcheck={false}
                  class="secret-text"
                  placeholder={props.placeholder}
                  value={secret()}
                  onInput={(event) => setSecret(event.currentTarget.value)}
                />
              </Show>
            )}
          </Field>
          <div class="form-actions">
            <button type="submit" class="button button-primary" disabled={busy()}>
              {busy() ? "Saving…" : props.stored ? "Replace" : (props.saveLabel ?? "Save")}
            </button>
            <Show when={editing()}>
              <button
                type="button"
                class="button"
                onClick={() => {
                  setEditing(false);
                  setSecret("");
                  setProblem(undefined);
                }}
              >
                Cancel
              </button>
            </Show>
          </div>
        </form>
      </Show>
      <ConfirmDialog
        open={confirming()}
        title={`Remove your ${props.title}?`}
        confirmLabel={props.removeLabel ?? "Remove"}
        busy={busy()}
        onConfirm={() => void remove()}
        onCancel={() => setConfirming(false)}
      >
        <p>Sessions without their own key then use the next available key, if any.</p>
      </ConfirmDialog>
    </article>
  );
}

type Verification = VerifyCredentialMutation["verifyCredential"];

const VERIFICATION_TEXT = {
  VALID: "Valid — the provider accepted it.",
  REFUSED: "Refused — the provider does not take it: replace it with a fresh one.",
  UNREACHABLE: "No answer — the provider could not be asked; try again later.",
} as const;

/** What the provider said when asked about the credential (nothing was stored or changed). */
function VerificationNotice(props: { readonly verification: Verification }): JSX.Element {
  const tone = (): string =>
    props.verification.result === "VALID"
      ? "notice-success"
      : props.verification.result === "REFUSED"
        ? "notice-error"
        : "notice-warning";
  return (
    <p
      class={`notice ${tone()}`}
      role="status"
      data-testid="credential-verification"
      data-result={props.verification.result}
    >
      {VERIFICATION_TEXT[props.verification.result]}
      <Show when={props.verification.status}>{(status) => <> (HTTP {status()})</>}</Show>
      <Show when={props.verification.message}>{(message) => <> {message()}</>}</Show>{" "}
      <span class="muted">Checked {formatDateTime(props.verification.checkedAt)}.</span>
    </p>
  );
}
