import { createMutation } from "@urql/solid";
import { createSignal, Show, type JSX } from "solid-js";
import { RenameAgentDocument } from "../gql/graphql.js";
import { problemFrom, type Problem } from "../lib/errors.js";

const AGENT_TYPES = { additionalTypenames: ["Agent"] };
/** The api's limit on a name. */
const MAX_NAME_LENGTH = 200;

/** "Rename", then the agent's name in a field: Enter saves, Escape or Cancel leaves it. */
export function RenameAgent(props: {
  readonly agentId: string;
  readonly name: string;
  readonly onRenamed: () => void;
}): JSX.Element {
  const [, rename] = createMutation(RenameAgentDocument);
  const [editing, setEditing] = createSignal(false);
  const [value, setValue] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem>();
  let input: HTMLInputElement | undefined;

  const open = (): void => {
    setValue(props.name);
    setProblem(undefined);
    setEditing(true);
    queueMicrotask(() => input?.select());
  };
  const save = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const name = value().trim();
    if (name === "" || name.length > MAX_NAME_LENGTH) {
      setProblem({
        code: "BAD_USER_INPUT",
        title: `A name is 1 to ${MAX_NAME_LENGTH} characters.`,
      });
      return;
    }
    setBusy(true);
    const result = await rename({ id: props.agentId, name }, AGENT_TYPES);
    setBusy(false);
    if (result.error) {
      setProblem(problemFrom(result.error));
      return;
    }
    setEditing(false);
    props.onRenamed();
  };

  return (
    <Show
      when={editing()}
      fallback={
        <button type="button" class="button button-small" onClick={open}>
          Rename
        </button>
      }
    >
      <form class="rename-agent" onSubmit={(event) => void save(event)} novalidate>
        <label class="visually-hidden" for={`rename-${props.agentId}`}>
          The agent's name
        </label>
        <input
          id={`rename-${props.agentId}`}
          ref={(el) => (input = el)}
          maxLength={MAX_NAME_LENGTH}
          value={value()}
          aria-invalid={problem() === undefined ? undefined : "true"}
          aria-describedby={problem() === undefined ? undefined : `rename-${props.agentId}-error`}
          onInput={(event) => setValue(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === "Escape") setEditing(false);
          }}
        />
        <button type="submit" class="button button-small button-primary" disabled={busy()}>
          Save
        </button>
        <button type="button" class="button button-small" onClick={() => setEditing(false)}>
          Cancel
        </button>
        <Show when={problem()}>
          {(shown) => (
            <p class="field-error" id={`rename-${props.agentId}-error`} role="alert">
              {shown().title}
            </p>
          )}
        </Show>
      </form>
    </Show>
  );
}
