import { createMutation, createQuery } from "@urql/solid";
import { createSignal, For, Match, Show, Switch, type JSX } from "solid-js";
import {
  AdminCredentialsDocument,
  AdminDeleteCredentialDocument,
  type AdminCredentialsQuery,
} from "../gql/graphql.js";
import { problemFrom, type Problem } from "../lib/errors.js";
import { formatDateTime, maskedHint } from "../lib/format.js";
import { useRegistry } from "../registry/registry-context.js";
import { ConfirmDialog } from "../ui/confirm-dialog.js";
import { Loading } from "../ui/loading.js";
import { ProblemNotice } from "../ui/problem-notice.js";

const PAGE_SIZE = 50;
const TYPES = { additionalTypenames: ["CredentialInfo", "User"] };

type Row = AdminCredentialsQuery["adminCredentials"]["edges"][number]["node"];

/** Where a credential lives, in words: an account's, or a session's key (with its owner). */
const placeOf = (row: Row): string =>
  row.sessionName === null ? "Account" : `Session “${row.sessionName}”`;

/** Every credential, session keys included, as metadata; an admin may delete any. */
export function AllCredentials(): JSX.Element {
  const [cursors, setCursors] = createSignal<(string | null)[]>([null]);
  const [credentials] = createQuery({
    query: AdminCredentialsDocument,
    variables: () => ({ first: PAGE_SIZE, after: cursors().at(-1) ?? null }),
    context: TYPES,
    requestPolicy: "cache-and-network",
  });
  const [, deleteCredential] = createMutation(AdminDeleteCredentialDocument);
  const [target, setTarget] = createSignal<Row>();
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem>();
  const registry = useRegistry();
  const nameOf = (row: Row): string =>
    registry.credentialName(row.credential.provider, row.credential.kind);

  const confirmDelete = async (): Promise<void> => {
    const row = target();
    if (row === undefined) return;
    setBusy(true);
    setProblem(undefined);
    const result = await deleteCredential({ id: row.credential.id }, TYPES);
    setBusy(false);
    setTarget(undefined);
    if (result.error) setProblem(problemFrom(result.error));
  };

  return (
    <section aria-labelledby="all-credentials-title" class="card">
      <h2 id="all-credentials-title">All credentials</h2>
      <p class="muted">
        Account credentials and session keys of every user, as metadata: secrets are write-only.
      </p>
      <Show when={problem()}>{(current) => <ProblemNotice problem={current()} />}</Show>
      <Switch>
        <Match when={credentials.data === undefined && credentials.error}>
          {(error) => <ProblemNotice problem={problemFrom(error())} />}
        </Match>
        <Match when={credentials.data === undefined}>
          <Loading label="Loading credentials…" />
        </Match>
        <Match when={credentials.data?.adminCredentials.totalCount === 0}>
          <p>No credentials stored.</p>
        </Match>
        <Match when={credentials.data}>
          {(data) => (
            <>
              <table class="table users-table" data-testid="all-credentials">
                <caption class="visually-hidden">
                  {data().adminCredentials.totalCount} credentials
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Owner</th>
                    <th scope="col">Where</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Key</th>
                    <th scope="col">Added</th>
                    <th scope="col">Last used</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={data().adminCredentials.edges}>
                    {(edge) => (
                      <tr>
                        <th scope="row" data-label="Owner">
                          {edge.node.ownerEmail ?? "—"}
                        </th>
                        <td data-label="Where">{placeOf(edge.node)}</td>
                        <td data-label="Kind">{nameOf(edge.node)}</td>
                        <td data-label="Key">
                          <code class="hint">{maskedHint(edge.node.credential.hint)}</code>
                        </td>
                        <td data-label="Added">{formatDateTime(edge.node.credential.createdAt)}</td>
                        <td data-label="Last used">
                          {edge.node.credential.lastUsedAt
                            ? formatDateTime(edge.node.credential.lastUsedAt)
                            : "Never"}
                        </td>
                        <td>
                          <button
                            type="button"
                            class="button button-small button-danger"
                            aria-label={`Delete ${nameOf(edge.node)} (${placeOf(edge.node)}) of ${edge.node.ownerEmail ?? "no one"}`}
                            onClick={() => setTarget(edge.node)}
                          >
                            Delete
                          </button>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
              <Show when={cursors().length > 1 || data().adminCredentials.pageInfo.hasNextPage}>
                <nav class="pagination" aria-label="Pages of credentials">
                  <button
                    type="button"
                    class="button"
                    disabled={cursors().length === 1}
                    onClick={() => setCursors((list) => list.slice(0, -1))}
                  >
                    Previous
                  </button>
                  <span>Page {cursors().length}</span>
                  <button
                    type="button"
                    class="button"
                    disabled={!data().adminCredentials.pageInfo.hasNextPage}
                    onClick={() => {
                      const end = data().adminCredentials.pageInfo.endCursor;
                      if (end) setCursors((list) => [...list, end]);
                    }}
                  >
                    Next
                  </button>
                </nav>
              </Show>
            </>
          )}
        </Match>
      </Switch>
      <ConfirmDialog
        open={target() !== undefined}
        title="Delete this credential?"
        confirmLabel="Delete"
        busy={busy()}
        onConfirm={() => void confirmDelete()}
        onCancel={() => {
          setTarget(undefined);
        }}
      >
        <p>
          Agents stop using it at once (
          {target() === undefined ? "" : placeOf(target() as Row).toLowerCase()}). Its owner can add
          a new one; it cannot be restored.
        </p>
      </ConfirmDialog>
    </section>
  );
}
