import { createMutation } from "@urql/solid";
import { createSignal, For, Show, type JSX } from "solid-js";
import { SpawnAgentDocument, type AgentKind, type Provider } from "../gql/graphql.js";
import { problemFrom, type Problem } from "../lib/errors.js";
import { AGENT_KIND_LABELS, AGENT_KINDS, AGENT_PROVIDERS, PROVIDER_LABELS } from "../lib/labels.js";
import { Field } from "../ui/field.js";
import { ProblemNotice } from "../ui/problem-notice.js";

const AGENT_TYPES = { additionalTypenames: ["Agent", "Session"] };

/** Adds an agent to the session: which agent, its provider (where it has a choice) and model. */
export function SpawnAgentForm(props: {
  readonly sessionId: string;
  readonly onSpawned: (agentId: string) => void;
}): JSX.Element {
  const [, spawn] = createMutation(SpawnAgentDocument);
  const [kind, setKind] = createSignal<AgentKind>("CHAT");
  const [provider, setProvider] = createSignal<Provider>("ANTHROPIC");
  const [model, setModel] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem>();

  const providers = (): readonly Provider[] => AGENT_PROVIDERS[kind()];
  const chooseKind = (next: AgentKind): void => {
    setKind(next);
    const allowed: readonly Provider[] = AGENT_PROVIDERS[next];
    if (!allowed.includes(provider())) setProvider(allowed[0] ?? "ANTHROPIC");
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

  return (
    <form class="spawn-form" onSubmit={(event) => void submit(event)}>
      <h3>Spawn an agent</h3>
      <Show when={problem()}>{(current) => <ProblemNotice problem={current()} />}</Show>
      <div class="field">
        <label for="agent-kind">Agent</label>
        <select
          id="agent-kind"
          value={kind()}
          onChange={(event) => {
            chooseKind(event.currentTarget.value as AgentKind);
          }}
        >
          <For each={AGENT_KINDS}>
            {(option) => <option value={option}>{AGENT_KIND_LABELS[option]}</option>}
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
            {(option) => <option value={option}>{PROVIDER_LABELS[option]}</option>}
          </For>
        </select>
      </div>
      <Field
        label="Model (optional)"
        id="agent-model"
        hint="Leave empty for the provider's default model."
        error={problem()?.field === "model" ? problem()?.title : undefined}
      >
        {(control) => (
          <input
            {...control}
            autocomplete="off"
            spellcheck={false}
            placeholder="e.g. claude-sonnet-4-5"
            value={model()}
            onInput={(event) => setModel(event.currentTarget.value)}
          />
        )}
      </Field>
      <button type="submit" class="button button-primary" disabled={busy()}>
        {busy() ? "Spawning…" : "Spawn agent"}
      </button>
    </form>
  );
}
