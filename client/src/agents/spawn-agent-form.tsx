import { A } from "@solidjs/router";
import { createMutation, createQuery } from "@urql/solid";
import { createSignal, For, Match, Show, Switch, type JSX } from "solid-js";
import {
  NextCredentialDocument,
  SpawnAgentDocument,
  type AgentKind,
  type NextCredentialQuery,
  type Provider,
} from "../gql/graphql.js";
import { problemFrom, type Problem } from "../lib/errors.js";
import { maskedHint } from "../lib/format.js";
import { CREDENTIAL_OWNER_LABELS } from "../lib/labels.js";
import { useRegistry } from "../registry/registry-context.js";
import { agentCredentialsPath, type Registry } from "../registry/registry.js";
import { Field } from "../ui/field.js";
import { ProblemNotice } from "../ui/problem-notice.js";

const AGENT_TYPES = { additionalTypenames: ["Agent", "Session"] };
// Which credential a message would use changes with the session's keys and your own.
const CREDENTIAL_TYPES = { additionalTypenames: ["Session", "CredentialInfo"] };

type Choice = NonNullable<NonNullable<NextCredentialQuery["session"]>["nextCredential"]>;

/** "your Claude subscription token (••••abcd)", as the spawn form names the credential. */
export function describeChoice(registry: Registry, choice: Choice): string {
  const name = registry.credentialName(choice.provider, choice.kind);
  const hint = choice.hint === null || choice.hint === "" ? "" : ` (${maskedHint(choice.hint)})`;
  return `${CREDENTIAL_OWNER_LABELS[choice.source]} ${name}${hint}`;
}

/**
 * Adds an agent to the session: any kind the api can run, the providers it runs with (where it
 * has a choice), a model, and — before anything is sent — the credential its first message
 * would use.
 */
export function SpawnAgentForm(props: {
  readonly sessionId: string;
  readonly onSpawned: (agentId: string) => void;
}): JSX.Element {
  const registry = useRegistry();
  const [, spawn] = createMutation(SpawnAgentDocument);
  const kinds = () => registry.runnableKinds();
  const [kind, setKind] = createSignal<AgentKind>(kinds()[0]?.kind ?? "CHAT");
  const info = () => registry.agentKind(kind());
  const providers = (): readonly Provider[] => info()?.providers ?? [];
  const [provider, setProvider] = createSignal<Provider>(info()?.defaultProvider ?? "ANTHROPIC");
  const [model, setModel] = createSignal("");
  const models = () => registry.provider(provider())?.models ?? [];
  const unpriced = (): boolean => {
    const typed = model().trim();
    return typed !== "" && !models().some((option) => option.id === typed);
  };
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem>();
  const [credential] = createQuery({
    query: NextCredentialDocument,
    variables: () => ({ id: props.sessionId, provider: provider(), agentKind: kind() }),
    context: CREDENTIAL_TYPES,
    requestPolicy: "cache-and-network",
  });

  const chooseKind = (next: AgentKind): void => {
    setKind(next);
    const allowed = providers();
    if (!allowed.includes(provider())) {
      setProvider(info()?.defaultProvider ?? allowed[0] ?? provider());
    }
  };

  const submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    const result = await spawn(
      {
        sessionId: props.sessionId,
        kind: kind(),
        provider: provider(),
        model: model().trim() === "" ? null : model().trim(),
      },
      AGENT_TYPES,
    );
    setBusy(false);
    if (result.data) {
      setModel("");
      props.onSpawned(result.data.spawnAgent.id);
    } else if (result.error) {
      setProblem(problemFrom(result.error, { sessionId: props.sessionId }));
    }
  };

  // The answer for what is chosen now, not for the previous choice still on its way.
  const current = () => {
    const variables = credential.operation.variables;
    return credential.data !== undefined &&
      variables.provider === provider() &&
      variables.agentKind === kind()
      ? credential.data.session
      : undefined;
  };

  return (
    <form class="spawn-form" onSubmit={(event) => void submit(event)}>
      <h3>Spawn an agent</h3>
      <Show when={problem()}>{(shown) => <ProblemNotice problem={shown()} />}</Show>
      <div class="field">
        <label for="agent-kind">Agent</label>
        <select
          id="agent-kind"
          value={kind()}
          onChange={(event) => {
            chooseKind(event.currentTarget.value as AgentKind);
          }}
        >
          <For each={kinds()}>
            {(option) => <option value={option.kind}>{option.label}</option>}
          </For>
        </select>
      </div>
      <div class="field">
        <label for="agent-provider">Provider</label>
        <select
          id="agent-provider"
          value={provider()}
          disabled={providers().length === 1}
          onChange={(event) => setProvider(event.currentTarget.value as Provider)}
        >
          <For each={providers()}>
            {(option) => <option value={option}>{registry.providerLabel(option)}</option>}
          </For>
        </select>
      </div>
      <Field
        label="Model (optional)"
        id="agent-model"
        hint={`Leave empty for ${registry.provider(provider())?.defaultModel ?? "the provider's default model"}.`}
        error={problem()?.field === "model" ? problem()?.title : undefined}
      >
        {(control) => (
          <input
            {...control}
            autocomplete="off"
            spellcheck={false}
            placeholder={`e.g. ${registry.provider(provider())?.defaultModel ?? "claude-sonnet-4-5"}`}
            list="agent-models"
            value={model()}
            onInput={(event) => setModel(event.currentTarget.value)}
          />
        )}
      </Field>
      {/* The models the price catalogue knows: picked from the list, or any other typed in. */}
      <datalist id="agent-models" data-testid="agent-models">
        <For each={models()}>{(option) => <option value={option.id}>{option.name}</option>}</For>
      </datalist>
      <Show when={unpriced()}>
        <p class="muted" data-testid="model-unpriced">
          Not in the price list: its calls are counted, but their cost is not estimated.
        </p>
      </Show>
      <p class="spawn-credential" data-testid="spawn-credential" aria-live="polite">
        <Switch fallback={<span class="muted">Checking which credential it would use…</span>}>
          <Match when={current()?.nextCredential}>
            {(choice) => (
              <>
                First message uses <strong>{describeChoice(registry, choice())}</strong>.
              </>
            )}
          </Match>
          <Match when={current() !== undefined}>
            <span class="spawn-credential-missing">
              No credential it can use with {registry.providerLabel(provider())}: its first message
              would fail.{" "}
              <A href={agentCredentialsPath(kind())}>Set up {registry.agentKindLabel(kind())}</A>
            </span>
          </Match>
        </Switch>
      </p>
      <button type="submit" class="button button-primary" disabled={busy()}>
        {busy() ? "Spawning…" : "Spawn agent"}
      </button>
    </form>
  );
}
