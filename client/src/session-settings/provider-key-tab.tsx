import { createMutation, createQuery } from "@urql/solid";
import { createSignal, For, Match, Show, Switch, type JSX } from "solid-js";
import {
  RemoveSessionKeyDocument,
  SessionKeyDocument,
  SetSessionKeyDocument,
  type AgentKind,
  type KeySource,
  type Provider,
} from "../gql/graphql.js";
import { problemFrom, type Problem } from "../lib/errors.js";
import { keySourceLabel } from "../lib/labels.js";
import { useRegistry } from "../registry/registry-context.js";
import { ConfirmDialog } from "../ui/confirm-dialog.js";
import { CredentialSummary } from "../ui/credential-summary.js";
import { Field } from "../ui/field.js";
import { Loading } from "../ui/loading.js";
import { ProblemNotice } from "../ui/problem-notice.js";

const SESSION_TYPES = { additionalTypenames: ["Session", "CredentialInfo"] };

/**
 * Which key the session's next message uses for a provider, and the session's own key for it:
 * paste one (it is stored encrypted and shown only as its hint), replace it, or remove it so the
 * account key (or the system key) takes over.
 */
export function ProviderKeyTab(props: { readonly sessionId: string }): JSX.Element {
  const registry = useRegistry();
  const [provider, setProvider] = createSignal<Provider>(
    registry.providers[0]?.provider ?? "ANTHROPIC",
  );
  // Which key is used depends on the agent too (the chat agent takes API keys only).
  const [chosenKind, setChosenKind] = createSignal<AgentKind>();
  const agentKind = (): AgentKind => chosenKind() ?? registry.defaultAgentKind(provider());
  const [result] = createQuery({
    query: SessionKeyDocument,
    variables: () => ({ id: props.sessionId, provider: provider(), agentKind: agentKind() }),
    context: SESSION_TYPES,
    requestPolicy: "cache-and-network",
  });
  const [, setKey] = createMutation(SetSessionKeyDocument);
  const [, removeKey] = createMutation(RemoveSessionKeyDocument);
  const [wantsOwnKey, setWantsOwnKey] = createSignal(false);
  const [secret, setSecret] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem>();
  const [done, setDone] = createSignal<string>();
  const [confirming, setConfirming] = createSignal(false);
  let secretInput: HTMLInputElement | undefined;

  const session = () => result.data?.session;
  const storedKey = () => session()?.keys.find((key) => key.provider === provider());
  const isOwner = (): boolean => session()?.viewerRole === "OWNER";
  const toggled = (): boolean => storedKey() !== undefined || wantsOwnKey();

  const chooseProvider = (next: Provider): void => {
    setProvider(next);
    setChosenKind(undefined);
    setWantsOwnKey(false);
    setSecret("");
    setProblem(undefined);
    setDone(undefined);
  };

  const save = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    if (secret().trim() === "") {
      setProblem({ code: "BAD_USER_INPUT", title: "Paste the key first.", field: "secret" });
      secretInput?.focus();
      return;
    }
    setBusy(true);
    setProblem(undefined);
    setDone(undefined);
    const response = await setKey(
      {
        sessionId: props.sessionId,
        provider: provider(),
        secret: secret(),
        agentKind: agentKind(),
      },
      SESSION_TYPES,
    );
    setBusy(false);
    if (response.data) {
      setSecret("");
      setWantsOwnKey(false);
      setDone(
        `Saved. The next ${registry.providerLabel(provider())} message in this session uses this key.`,
      );
    } else if (response.error) {
      setProblem(problemFrom(response.error, { sessionId: props.sessionId }));
      secretInput?.focus();
    }
  };

  const remove = async (): Promise<void> => {
    setBusy(true);
    setProblem(undefined);
    setDone(undefined);
    const response = await removeKey(
      { sessionId: props.sessionId, provider: provider(), agentKind: agentKind() },
      SESSION_TYPES,
    );
    setBusy(false);
    setConfirming(false);
    if (response.data) {
      setWantsOwnKey(false);
      const next = response.data.removeSessionKey.keySource;
      setDone(`Session key removed. ${takeoverText(next)}`);
    } else if (response.error) {
      setProblem(problemFrom(response.error, { sessionId: props.sessionId }));
    }
  };

  return (
    <section class="tab-panel" aria-labelledby="key-tab-title">
      <h2 id="key-tab-title">Provider API Key</h2>
      <div class="key-filters">
        <div class="field field-inline">
          <label for="key-provider">Provider</label>
          <select
            id="key-provider"
            value={provider()}
            onChange={(event) => {
              chooseProvider(event.currentTarget.value as Provider);
            }}
          >
            <For each={registry.providers}>
              {(option) => <option value={option.provider}>{option.label}</option>}
            </For>
          </select>
        </div>
        <div class="field field-inline">
          <label for="key-agent-kind">Agent</label>
          <select
            id="key-agent-kind"
            value={agentKind()}
            onChange={(event) => {
              setChosenKind(event.currentTarget.value as AgentKind);
            }}
          >
            <For each={registry.agentKindsFor(provider())}>
              {(kind) => <option value={kind}>{registry.agentKindLabel(kind)}</option>}
            </For>
          </select>
        </div>
      </div>
      <Switch>
        <Match when={result.data === undefined && result.error}>
          {(error) => <ProblemNotice problem={problemFrom(error())} />}
        </Match>
        {/* Data for another provider is not shown while this one's loads. */}
        <Match
          when={
            result.data === undefined ||
            result.operation.variables.provider !== provider() ||
            result.operation.variables.agentKind !== agentKind()
          }
        >
          <Loading label="Checking which key is used…" />
        </Match>
        <Match when={session() === null}>
          <p>This session does not exist or is not shared with you.</p>
        </Match>
        <Match when={session()}>
          {(current) => (
            <>
              <div
                class={`key-source key-source-${(current().keySource ?? "none").toLowerCase()}`}
                data-testid="key-source"
              >
                <span class="key-source-label">
                  Next message ({registry.agentKindLabel(agentKind())})
                </span>
                <strong>{keySourceLabel(current().keySource)}</strong>
              </div>
              <Show when={done()}>
                <p class="notice notice-success" role="status">
                  {done()}
                </p>
              </Show>
              <Show when={problem() !== undefined && problem()?.field === undefined}>
                <ProblemNotice problem={problem() as Problem} />
              </Show>
              <Show
                when={isOwner()}
                fallback={<p class="muted">Only the session's owner manages its keys.</p>}
              >
                <label class="switch">
                  <input
                    type="checkbox"
                    role="switch"
                    checked={toggled()}
                    onChange={(event) => {
                      const on = event.currentTarget.checked;
                      if (!on && storedKey() !== undefined) {
                        // Turning it off removes the stored key: ask first.
                        event.currentTarget.checked = true;
                        setConfirming(true);
                        return;
                      }
                      setWantsOwnKey(on);
                      setProblem(undefined);
                      if (on) queueMicrotask(() => secretInput?.focus());
                    }}
                  />
                  <span>Use different key for this session</span>
                </label>
                <Show when={storedKey()}>
                  {(key) => (
                    <div class="card stored-key">
                      <h3>This session's {registry.providerLabel(provider())} key</h3>
                      <CredentialSummary credential={key()} />
                      <button
                        type="button"
                        class="button button-danger"
                        disabled={busy()}
                        onClick={() => setConfirming(true)}
                      >
                        Remove Session Key
                      </button>
                    </div>
                  )}
                </Show>
                <Show when={toggled()}>
                  <form class="form" onSubmit={(event) => void save(event)} novalidate>
                    <Field
                      label={
                        storedKey()
                          ? "Replace with a new key"
                          : `${registry.providerLabel(provider())} key for this session`
                      }
                      id="session-key-secret"
                      hint="Stored encrypted. It is never shown again — only its last characters."
                      error={problem()?.field === "secret" ? problem()?.title : undefined}
                    >
                      {(control) => (
                        <input
                          {...control}
                          ref={(el) => (secretInput = el)}
                          type="password"
                          name="secret"
                          autocomplete="off"
                          spellcheck={false}
                          value={secret()}
                          onInput={(event) => setSecret(event.currentTarget.value)}
                        />
                      )}
                    </Field>
                    <button type="submit" class="button button-primary" disabled={busy()}>
                      {busy() ? "Saving…" : "Save"}
                    </button>
                  </form>
                </Show>
              </Show>
            </>
          )}
        </Match>
      </Switch>
      <ConfirmDialog
        open={confirming()}
        title="Remove the session key?"
        confirmLabel="Remove Session Key"
        busy={busy()}
        onConfirm={() => void remove()}
        onCancel={() => setConfirming(false)}
      >
        <p>
          This session's {registry.providerLabel(provider())} key is deleted. From the next message
          on, its agents use your account key, or the system key where the operator allows it.
        </p>
      </ConfirmDialog>
    </section>
  );
}

function takeoverText(source: KeySource | null): string {
  switch (source) {
    case "ACCOUNT":
      return "Your account key takes over from the next message.";
    case "SYSTEM":
      return "The system key takes over from the next message.";
    case "SESSION":
      return "";
    case null:
      return "No other key is configured — add one before the next message.";
  }
}
