import { A, useNavigate } from "@solidjs/router";
import { createMutation } from "@urql/solid";
import { createSignal, For, Show, type JSX } from "solid-js";
import { CreateSessionDocument, type Provider } from "../gql/graphql.js";
import { problemFrom, type Problem } from "../lib/errors.js";
import { useRegistry } from "../registry/registry-context.js";
import { Field } from "../ui/field.js";
import { Page } from "../ui/page.js";
import { ProblemNotice } from "../ui/problem-notice.js";

const SESSION_TYPES = { additionalTypenames: ["Session"] };

/** Name, optional repository, and under Advanced Options a provider key for this session only. */
export function NewSessionPage(): JSX.Element {
  const navigate = useNavigate();
  const registry = useRegistry();
  const [, createSession] = createMutation(CreateSessionDocument);
  const [name, setName] = createSignal("");
  const [repoUrl, setRepoUrl] = createSignal("");
  const [repoRef, setRepoRef] = createSignal("");
  const [advanced, setAdvanced] = createSignal(false);
  const [provider, setProvider] = createSignal<Provider>("ANTHROPIC");
  const [secret, setSecret] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem>();
  const [nameError, setNameError] = createSignal<string>();
  const inputs: Partial<Record<string, HTMLElement>> = {};
  let formError!: HTMLDivElement;

  const fieldError = (field: string): string | undefined =>
    problem()?.field === field ? problem()?.title : undefined;

  const submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    setProblem(undefined);
    if (name().trim() === "") {
      setNameError("Give the session a name.");
      inputs["name"]?.focus();
      return;
    }
    setNameError(undefined);
    const key =
      advanced() && secret().trim() !== "" ? { provider: provider(), secret: secret() } : null;
    setBusy(true);
    const result = await createSession(
      {
        input: {
          name: name().trim(),
          repoUrl: repoUrl().trim() === "" ? null : repoUrl().trim(),
          repoRef: repoUrl().trim() === "" || repoRef().trim() === "" ? null : repoRef().trim(),
          providerKey: key,
        },
      },
      SESSION_TYPES,
    );
    setBusy(false);
    const created = result.data?.createSession;
    if (created) {
      navigate(`/sessions/${created.id}`);
      return;
    }
    if (result.error) {
      const described = problemFrom(result.error);
      setProblem(described);
      if (described.field === "secret") setAdvanced(true);
      const target = described.field === undefined ? undefined : inputs[described.field];
      (target ?? formError).focus();
    }
  };

  return (
    <Page title="New session">
      <form class="card form" onSubmit={(event) => void submit(event)} novalidate>
        <div ref={formError} tabIndex={-1} class="form-error-anchor">
          <Show when={problem() !== undefined && problem()?.field === undefined}>
            <ProblemNotice problem={problem() as Problem} />
          </Show>
        </div>
        <Field label="Name" id="session-name" error={nameError() ?? fieldError("name")}>
          {(control) => (
            <input
              {...control}
              ref={(el) => (inputs["name"] = el)}
              name="name"
              required
              maxLength={200}
              autocomplete="off"
              value={name()}
              onInput={(event) => setName(event.currentTarget.value)}
            />
          )}
        </Field>
        <Field
          label="Repository (optional)"
          id="session-repo"
          hint="An https:// URL, without a user name or token in it: each agent's workspace is cloned from it with the session's repository token, else yours (Account → API Keys)."
          error={fieldError("repoUrl")}
        >
          {(control) => (
            <input
              {...control}
              ref={(el) => (inputs["repoUrl"] = el)}
              name="repoUrl"
              inputMode="url"
              autocomplete="off"
              placeholder="https://github.com/you/project.git"
              value={repoUrl()}
              onInput={(event) => setRepoUrl(event.currentTarget.value)}
            />
          )}
        </Field>
        <Show when={repoUrl().trim() !== ""}>
          <Field
            label="Branch, tag or commit (optional)"
            id="session-repo-ref"
            hint="Default: the repository's default branch."
            error={fieldError("repoRef")}
          >
            {(control) => (
              <input
                {...control}
                ref={(el) => (inputs["repoRef"] = el)}
                name="repoRef"
                autocomplete="off"
                spellcheck={false}
                placeholder="main"
                value={repoRef()}
                onInput={(event) => setRepoRef(event.currentTarget.value)}
              />
            )}
          </Field>
        </Show>
        <details
          class="advanced"
          open={advanced()}
          onToggle={(event) => setAdvanced(event.currentTarget.open)}
        >
          <summary>Advanced Options</summary>
          <p class="muted">
            A provider API key for this session only. Its agents use it before your account key; it
            is stored encrypted and never shown again (only its last characters).
          </p>
          <div class="field">
            <label for="session-provider">Provider</label>
            <select
              id="session-provider"
              name="provider"
              value={provider()}
              onChange={(event) => setProvider(event.currentTarget.value as Provider)}
            >
              <For each={registry.providers}>
                {(option) => <option value={option.provider}>{option.label}</option>}
              </For>
            </select>
          </div>
          <Field label="API key" id="session-secret" error={fieldError("secret")}>
            {(control) => (
              <input
                {...control}
                ref={(el) => (inputs["secret"] = el)}
                type="password"
                name="secret"
                autocomplete="off"
                spellcheck={false}
                value={secret()}
                onInput={(event) => setSecret(event.currentTarget.value)}
              />
            )}
          </Field>
        </details>
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={busy()}>
            {busy() ? "Creating…" : "Create"}
          </button>
          <A href="/" class="button">
            Cancel
          </A>
        </div>
      </form>
    </Page>
  );
}
