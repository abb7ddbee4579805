import { createMutation, useClient } from "@urql/solid";
import { createSignal, Match, onCleanup, Show, Switch, type JSX } from "solid-js";
import {
  CancelSignInDocument,
  CompleteCodeSignInDocument,
  DeviceSignInDocument,
  StartCodeSignInDocument,
  StartDeviceSignInDocument,
  type AgentKind,
  type CodeSignInFieldsFragment,
  type DeviceSignInFieldsFragment,
  type SignInStatus,
} from "../gql/graphql.js";
import { problemFrom, type Problem } from "../lib/errors.js";
import { formatDateTime } from "../lib/format.js";
import { Field } from "../ui/field.js";
import { ProblemNotice } from "../ui/problem-notice.js";

// The providers' sign-in flows, run by the platform (the api and worker talk to the
// authorization server; the tokens never reach this page): OpenAI's device code (show a URL and
// a code, wait for the approval to arrive by itself) and Anthropic's code flow (open a URL, paste
// back the code its page shows). Each ends with the credential stored, as if it had been pasted.

const CREDENTIAL_TYPES = { additionalTypenames: ["CredentialInfo"] };
/** How often the page asks whether a device sign-in has moved, at least. */
const MIN_POLL_MS = 1_000;

const ENDED: Record<Exclude<SignInStatus, "PENDING" | "SUCCEEDED">, string> = {
  DENIED: "The sign-in was declined.",
  EXPIRED: "The sign-in expired before it was approved.",
  CANCELLED: "Sign-in cancelled.",
  FAILED: "The sign-in failed.",
};

/** OpenAI's device-code sign-in, for Codex or OpenCode's ChatGPT subscription. */
export function DeviceSignInFlow(props: {
  readonly agentKind: AgentKind;
  readonly label: string;
  /** Called once the credential is stored, so the page shows it. */
  readonly onStored: () => void;
}): JSX.Element {
  const client = useClient();
  const [, start] = createMutation(StartDeviceSignInDocument);
  const [, cancel] = createMutation(CancelSignInDocument);
  const [flow, setFlow] = createSignal<DeviceSignInFieldsFragment>();
  const [problem, setProblem] = createSignal<Problem>();
  const [busy, setBusy] = createSignal(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stopPolling = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  onCleanup(stopPolling);

  const poll = (current: DeviceSignInFieldsFragment): void => {
    stopPolling();
    if (current.status !== "PENDING") return;
    timer = setTimeout(
      () => {
        void client
          .query(DeviceSignInDocument, { id: current.id }, { requestPolicy: "network-only" })
          .toPromise()
          .then((result) => {
            if (flow()?.id !== current.id) return; // cancelled or restarted meanwhile
            const next = result.data?.deviceSignIn;
            if (next === null || next === undefined) {
              if (result.error) setProblem(problemFrom(result.error));
              else setFlow({ ...current, status: "EXPIRED" });
              return;
            }
            setFlow(next);
            if (next.status === "SUCCEEDED") props.onStored();
            poll(next);
          });
      },
      Math.max(MIN_POLL_MS, current.intervalSeconds * 1000),
    );
  };

  const begin = async (): Promise<void> => {
    setBusy(true);
    setProblem(undefined);
    const result = await start({ input: { provider: "OPENAI", agentKind: props.agentKind } });
    setBusy(false);
    const started = result.data?.startDeviceSignIn;
    if (started) {
      setFlow(started);
      poll(started);
    } else if (result.error) {
      setProblem(problemFrom(result.error));
    }
  };

  const stop = async (): Promise<void> => {
    const current = flow();
    if (current === undefined) return;
    stopPolling();
    setBusy(true);
    const result = await cancel({ id: current.id });
    setBusy(false);
    if (result.error) setProblem(problemFrom(result.error));
    setFlow({ ...current, status: "CANCELLED" });
  };

  return (
    <div class="sign-in-flow" data-testid={`device-sign-in-${props.agentKind.toLowerCase()}`}>
      <Show when={problem()}>{(shown) => <ProblemNotice problem={shown()} />}</Show>
      <Switch
        fallback={
          <button type="button" class="button" disabled={busy()} onClick={() => void begin()}>
            {busy() ? "Starting…" : `Sign in with ${props.label}`}
          </button>
        }
      >
        <Match when={flow()?.status === "PENDING" ? flow() : undefined}>
          {(pending) => (
            <div class="sign-in-pending" role="status" aria-live="polite">
              <p>
                Open{" "}
                <a
                  href={pending().verificationUriComplete ?? pending().verificationUri}
                  target="_blank"
                  rel="noreferrer noopener"
                  data-testid="verification-uri"
                >
                  {pending().verificationUri}
                </a>{" "}
                and enter this code:
              </p>
              <p class="user-code" data-testid="user-code">
                {pending().userCode}
              </p>
              <p class="muted">
                <span class="spinner" aria-hidden="true" /> Waiting for you to approve it… This page
                updates by itself (the code expires {formatDateTime(pending().expiresAt)}).
              </p>
              <button type="button" class="button" disabled={busy()} onClick={() => void stop()}>
                Cancel
              </button>
            </div>
          )}
        </Match>
        <Match when={flow()?.status === "SUCCEEDED"}>
          <p class="notice notice-success" role="status" data-testid="sign-in-done">
            Signed in. Your {props.label} subscription is saved; the next message uses it.
          </p>
        </Match>
        <Match when={flow()}>
          {(ended) => (
            <div class="sign-in-ended">
              <p class="notice notice-error" role="alert" data-testid="sign-in-ended">
                {ENDED[ended().status as keyof typeof ENDED]}
                <Show when={ended().message}>{(message) => <> {message()}</>}</Show>
              </p>
              <button type="button" class="button" disabled={busy()} onClick={() => void begin()}>
                Try again
              </button>
            </div>
          )}
        </Match>
      </Switch>
    </div>
  );
}

/** Anthropic's code sign-in, for Claude Code's subscription: open a URL, paste the code back. */
export function CodeSignInFlow(props: {
  readonly agentKind: AgentKind;
  readonly label: string;
  readonly onStored: () => void;
}): JSX.Element {
  const [, start] = createMutation(StartCodeSignInDocument);
  const [, complete] = createMutation(CompleteCodeSignInDocument);
  const [, cancel] = createMutation(CancelSignInDocument);
  const [flow, setFlow] = createSignal<CodeSignInFieldsFragment>();
  const [code, setCode] = createSignal("");
  const [problem, setProblem] = createSignal<Problem>();
  const [busy, setBusy] = createSignal(false);
  const [done, setDone] = createSignal(false);
  const fieldId = `code-sign-in-${props.agentKind.toLowerCase()}`;
  let input: HTMLInputElement | undefined;

  const begin = async (): Promise<void> => {
    setBusy(true);
    setProblem(undefined);
    setDone(false);
    const result = await start({ input: { provider: "ANTHROPIC", agentKind: props.agentKind } });
    setBusy(false);
    if (result.data) {
      setFlow(result.data.startCodeSignIn);
      setCode("");
      queueMicrotask(() => input?.focus());
    } else if (result.error) {
      setProblem(problemFrom(result.error));
    }
  };

  const submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const current = flow();
    if (current === undefined) return;
    const pasted = code().trim();
    if (pasted === "") {
      setProblem({
        code: "BAD_USER_INPUT",
        title: "Paste the code the sign-in page showed.",
        field: "code",
      });
      input?.focus();
      return;
    }
    setBusy(true);
    setProblem(undefined);
    const result = await complete({ id: current.id, code: pasted }, CREDENTIAL_TYPES);
    setBusy(false);
    if (result.data) {
      setFlow(undefined);
      setCode("");
      setDone(true);
      props.onStored();
    } else if (result.error) {
      const shown = problemFrom(result.error);
      setProblem(shown.code === "BAD_USER_INPUT" ? { ...shown, field: "code" } : shown);
      input?.focus();
    }
  };

  const stop = async (): Promise<void> => {
    const current = flow();
    if (current === undefined) return;
    setBusy(true);
    await cancel({ id: current.id });
    setBusy(false);
    setFlow(undefined);
    setProblem(undefined);
    setCode("");
  };

  return (
    <div class="sign-in-flow" data-testid={`code-sign-in-${props.agentKind.toLowerCase()}`}>
      <Show when={problem() !== undefined && problem()?.field === undefined}>
        <ProblemNotice problem={problem() as Problem} />
      </Show>
      <Show when={done()}>
        <p class="notice notice-success" role="status" data-testid="sign-in-done">
          Signed in. Your {props.label} subscription is saved; the next message uses it.
        </p>
      </Show>
      <Show
        when={flow()}
        fallback={
          <button type="button" class="button" disabled={busy()} onClick={() => void begin()}>
            {busy() ? "Starting…" : `Sign in with ${props.label}`}
          </button>
        }
      >
        {(current) => (
          <form class="form sign-in-pending" onSubmit={(event) => void submit(event)} novalidate>
            <p>
              1.{" "}
              <a
                href={current().authorizeUrl}
                target="_blank"
                rel="noreferrer noopener"
                data-testid="authorize-url"
              >
                Open the sign-in page
              </a>{" "}
              and approve. 2. Paste the code it shows here (before{" "}
              {formatDateTime(current().expiresAt)}).
            </p>
            <Field
              label="Code from the sign-in page"
              id={fieldId}
              error={problem()?.field === "code" ? problem()?.title : undefined}
            >
              {(control) => (
                <input
                  {...control}
                  ref={(el) => (input = el)}
                  type="password"
                  autocomplete="off"
                  spellcheck={false}
                  maxLength={2048}
                  value={code()}
                  onInput={(event) => setCode(event.currentTarget.value)}
                />
              )}
            </Field>
            <div class="form-actions">
              <button type="submit" class="button button-primary" disabled={busy()}>
                {busy() ? "Signing in…" : "Finish sign-in"}
              </button>
              <button type="button" class="button" disabled={busy()} onClick={() => void stop()}>
                Cancel
              </button>
            </div>
          </form>
        )}
      </Show>
    </div>
  );
}
