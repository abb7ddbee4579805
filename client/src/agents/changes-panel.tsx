import { createMutation, createQuery } from "@urql/solid";
import { createEffect, createSignal, For, Match, on, Show, Switch, type JSX } from "solid-js";
import {
  AgentChangesDocument,
  AgentFileDiffDocument,
  PushAgentBranchDocument,
  type FileChangeStatus,
  type PushAgentBranchMutation,
} from "../gql/graphql.js";
import { problemFrom, type Problem } from "../lib/errors.js";
import { Field } from "../ui/field.js";
import { ProblemNotice } from "../ui/problem-notice.js";

const STATUS_LABELS: Record<FileChangeStatus, string> = {
  ADDED: "added",
  MODIFIED: "modified",
  DELETED: "deleted",
};
/** git check-ref-format's rules, roughly: the api checks them exactly. */
const BRANCH = /^(?!\/|.*\/\/|.*\.\.|.*@\{|.*\.lock$|.*\/$)[A-Za-z0-9._/-]{1,200}$/;

/**
 * Beside the chat: what the agent changed in its working copy of the session's repository since
 * its clone (files with added/removed lines, a file's diff on request), refreshed after each
 * message, and pushing those changes as a branch.
 */
export function ChangesPanel(props: {
  readonly agentId: string;
  /** Changes as the agent's messages settle: the changes are read again. */
  readonly refreshKey: unknown;
  readonly canPush: boolean;
}): JSX.Element {
  const [changes, refetch] = createQuery({
    query: AgentChangesDocument,
    variables: () => ({ id: props.agentId }),
    requestPolicy: "network-only",
  });
  createEffect(
    on(
      () => props.refreshKey,
      () => {
        refetch({ requestPolicy: "network-only" });
      },
      { defer: true },
    ),
  );
  const [open, setOpen] = createSignal<string>();
  const files = () => changes.data?.agent?.changes?.files ?? [];

  return (
    <section class="card changes-panel" aria-labelledby="changes-title" data-testid="changes">
      <div class="changes-header">
        <h3 id="changes-title">Changes</h3>
        <button
          type="button"
          class="button button-small"
          onClick={() => {
            refetch({ requestPolicy: "network-only" });
          }}
        >
          Refresh
        </button>
      </div>
      <Switch>
        <Match when={changes.data === undefined ? changes.error : undefined}>
          {(error) => <ProblemNotice problem={problemFrom(error())} />}
        </Match>
        <Match when={changes.data === undefined}>
          <p class="muted">Reading the workspace…</p>
        </Match>
        <Match when={changes.data?.agent?.changes === null}>
          <p class="muted" data-testid="changes-none">
            No clone yet: the repository is cloned before the agent's first message.
          </p>
        </Match>
        <Match when={files().length === 0}>
          <p class="muted" data-testid="changes-empty">
            No changes since the clone ({changes.data?.agent?.changes?.baseCommit.slice(0, 7)}).
          </p>
        </Match>
        <Match when={files().length > 0}>
          <ul class="change-list">
            <For each={files()}>
              {(file) => (
                <li>
                  <button
                    type="button"
                    class="change-file"
                    aria-expanded={open() === file.path}
                    onClick={() => setOpen(open() === file.path ? undefined : file.path)}
                  >
                    <span class="change-path">{file.path}</span>
                    <span class={`change-status change-${file.status.toLowerCase()}`}>
                      {STATUS_LABELS[file.status]}
                    </span>
                    <Show when={file.added !== null} fallback={<span class="muted">binary</span>}>
                      <span class="change-added">+{file.added}</span>
                      <span class="change-removed">−{file.removed}</span>
                    </Show>
                  </button>
                  <Show when={open() === file.path}>
                    <FileDiff agentId={props.agentId} path={file.path} />
                  </Show>
                </li>
              )}
            </For>
          </ul>
          <Show when={props.canPush}>
            <PushForm
              agentId={props.agentId}
              onPushed={() => {
                refetch({ requestPolicy: "network-only" });
              }}
            />
          </Show>
        </Match>
      </Switch>
    </section>
  );
}

function FileDiff(props: { readonly agentId: string; readonly path: string }): JSX.Element {
  const [diff] = createQuery({
    query: AgentFileDiffDocument,
    variables: () => ({ id: props.agentId, path: props.path }),
    requestPolicy: "network-only",
  });
  return (
    <Switch fallback={<p class="muted">Loading the diff…</p>}>
      <Match when={diff.error}>{(error) => <ProblemNotice problem={problemFrom(error())} />}</Match>
      <Match when={diff.data?.agent?.fileDiff}>
        {(shown) => (
          <>
            <pre
              class="diff"
              data-testid="file-diff"
              tabIndex={0}
              aria-label={`Diff of ${shown().path}`}
            >
              <For each={shown().diff.split("\n")}>
                {(line) => (
                  <span
                    classList={{
                      "diff-add": line.startsWith("+") && !line.startsWith("+++"),
                      "diff-del": line.startsWith("-") && !line.startsWith("---"),
                      "diff-hunk": line.startsWith("@@"),
                    }}
                  >
                    {line}
                    {"\n"}
                  </span>
                )}
              </For>
            </pre>
            <Show when={shown().truncated}>
              <p class="muted">The diff is longer: only its first 256 KiB are shown.</p>
            </Show>
          </>
        )}
      </Match>
    </Switch>
  );
}

function PushForm(props: { readonly agentId: string; readonly onPushed: () => void }): JSX.Element {
  const [, push] = createMutation(PushAgentBranchDocument);
  const [branch, setBranch] = createSignal("");
  const [message, setMessage] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem>();
  const [pushed, setPushed] = createSignal<PushAgentBranchMutation["pushAgentBranch"]>();

  const submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    setPushed(undefined);
    const name = branch().trim();
    if (!BRANCH.test(name)) {
      setProblem({
        code: "BAD_USER_INPUT",
        title: "A branch name such as agent/fix-login: letters, digits, . _ - and /.",
        field: "branch",
      });
      return;
    }
    setBusy(true);
    setProblem(undefined);
    const result = await push({
      agentId: props.agentId,
      branch: name,
      message: message().trim() === "" ? null : message().trim(),
    });
    setBusy(false);
    if (result.data) {
      setPushed(result.data.pushAgentBranch);
      props.onPushed();
    } else if (result.error) {
      const shown = problemFrom(result.error);
      setProblem(shown.code === "BAD_USER_INPUT" ? { ...shown, field: "branch" } : shown);
    }
  };

  return (
    <form class="form push-form" onSubmit={(event) => void submit(event)} novalidate>
      <h4>Push as a branch</h4>
      <Show when={problem() !== undefined && problem()?.field === undefined}>
        <ProblemNotice problem={problem() as Problem} />
      </Show>
      <Field
        label="Branch"
        id={`push-branch-${props.agentId}`}
        error={problem()?.field === "branch" ? problem()?.title : undefined}
      >
        {(control) => (
          <input
            {...control}
            autocomplete="off"
            spellcheck={false}
            placeholder="agent/my-change"
            value={branch()}
            onInput={(event) => setBranch(event.currentTarget.value)}
          />
        )}
      </Field>
      <Field label="Commit message (optional)" id={`push-message-${props.agentId}`}>
        {(control) => (
          <input
            {...control}
            autocomplete="off"
            value={message()}
            onInput={(event) => setMessage(event.currentTarget.value)}
          />
        )}
      </Field>
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={busy()}>
          {busy() ? "Pushing…" : "Commit and push"}
        </button>
      </div>
      <Show when={pushed()}>
        {(done) => (
          <div class="notice notice-success" role="status" data-testid="pushed">
            <p>
              Pushed <code>{done().commit.slice(0, 7)}</code> to <strong>{done().branch}</strong>.
            </p>
            <Show when={done().remoteMessage.trim() !== ""}>
              <pre class="remote-message">{done().remoteMessage}</pre>
            </Show>
          </div>
        )}
      </Show>
    </form>
  );
}
