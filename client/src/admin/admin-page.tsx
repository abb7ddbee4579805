import { useSearchParams } from "@solidjs/router";
import { createMutation, createQuery } from "@urql/solid";
import { createSignal, For, Match, Show, Switch, type JSX } from "solid-js";
import { useAuth } from "../auth/auth.js";
import {
  AdminDeleteCredentialDocument,
  UserCredentialsDocument,
  UsersDocument,
  type CredentialFieldsFragment,
} from "../gql/graphql.js";
import { AllCredentials } from "./all-credentials.js";
import { MonthlyBudgetForm } from "./monthly-budget-form.js";
import { USER_TYPES, UserActions } from "./user-actions.js";
import { problemFrom, type Problem } from "../lib/errors.js";
import { formatDateTime, maskedHint } from "../lib/format.js";
import { useRegistry } from "../registry/registry-context.js";
import { ConfirmDialog } from "../ui/confirm-dialog.js";
import { Loading } from "../ui/loading.js";
import { Page } from "../ui/page.js";
import { ProblemNotice } from "../ui/problem-notice.js";

export const USERS_PAGE_SIZE = 50;
const CREDENTIAL_TYPES = { additionalTypenames: ["CredentialInfo"] };

/** Users, and each user's credentials as metadata only: an admin may delete, never view. */
export function AdminPage(): JSX.Element {
  const auth = useAuth();
  const [search, setSearch] = useSearchParams<{ user?: string }>();
  const [cursors, setCursors] = createSignal<(string | null)[]>([null]);
  const [users] = createQuery({
    query: UsersDocument,
    variables: () => ({ first: USERS_PAGE_SIZE, after: cursors().at(-1) ?? null }),
    pause: () => auth.viewer()?.role !== "ADMIN",
    context: USER_TYPES,
    requestPolicy: "cache-and-network",
  });
  const selected = () => users.data?.users.edges.find((edge) => edge.node.id === search.user)?.node;

  return (
    <Page title="Admin">
      <Show
        when={auth.viewer()?.role === "ADMIN"}
        fallback={<p>Only administrators see this page.</p>}
      >
        <div class="admin-layout">
          <section aria-labelledby="users-title">
            <h2 id="users-title">Users</h2>
            <Switch>
              <Match when={users.data === undefined && users.error}>
                {(error) => <ProblemNotice problem={problemFrom(error())} />}
              </Match>
              <Match when={users.data === undefined}>
                <Loading label="Loading users…" />
              </Match>
              <Match when={users.data}>
                {(data) => (
                  <>
                    <table class="table users-table">
                      <caption class="visually-hidden">{data().users.totalCount} users</caption>
                      <thead>
                        <tr>
                          <th scope="col">Email</th>
                          <th scope="col">Role</th>
                          <th scope="col">Joined</th>
                          <th scope="col">Status</th>
                        </tr>
                      </thead>
                      <tbody>
                        <For each={data().users.edges}>
                          {(edge) => (
                            <tr aria-current={search.user === edge.node.id ? "true" : undefined}>
                              <th scope="row" data-label="Email">
                                <a
                                  href={`?user=${edge.node.id}`}
                                  onClick={(event) => {
                                    event.preventDefault();
                                    setSearch({ user: edge.node.id });
                                  }}
                                >
                                  {edge.node.email}
                                </a>
                              </th>
                              <td data-label="Role">
                                {edge.node.role === "ADMIN" ? "Admin" : "User"}
                              </td>
                              <td data-label="Joined">{formatDateTime(edge.node.createdAt)}</td>
                              <td data-label="Status">
                                {edge.node.disabledAt ? "Disabled" : "Active"}
                              </td>
                            </tr>
                          )}
                        </For>
                      </tbody>
                    </table>
                    <Show when={cursors().length > 1 || data().users.pageInfo.hasNextPage}>
                      <nav class="pagination" aria-label="Pages of users">
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
                          disabled={!data().users.pageInfo.hasNextPage}
                          onClick={() => {
                            const end = data().users.pageInfo.endCursor;
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
          </section>
          <Show
            when={selected()}
            keyed
            fallback={<p class="muted">Choose a user to manage them and see their credentials.</p>}
          >
            {(user) => (
              <div class="admin-user">
                <UserActions user={user} self={user.id === auth.viewer()?.id} />
                <MonthlyBudgetForm user={user} />
                <UserCredentials userId={user.id} email={user.email} />
              </div>
            )}
          </Show>
        </div>
        <AllCredentials />
      </Show>
    </Page>
  );
}

function UserCredentials(props: { readonly userId: string; readonly email: string }): JSX.Element {
  const [credentials] = createQuery({
    query: UserCredentialsDocument,
    variables: () => ({ userId: props.userId }),
    context: CREDENTIAL_TYPES,
    requestPolicy: "cache-and-network",
  });
  const [, deleteCredential] = createMutation(AdminDeleteCredentialDocument);
  const [target, setTarget] = createSignal<CredentialFieldsFragment>();
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem>();
  const [done, setDone] = createSignal<string>();
  const registry = useRegistry();

  const confirmDelete = async (): Promise<void> => {
    const credential = target();
    if (credential === undefined) return;
    setBusy(true);
    setProblem(undefined);
    const result = await deleteCredential({ id: credential.id }, CREDENTIAL_TYPES);
    setBusy(false);
    setTarget(undefined);
    if (result.error) setProblem(problemFrom(result.error));
    else setDone(`Deleted the ${registry.credentialName(credential.provider, credential.kind)}.`);
  };

  return (
    <section aria-labelledby="user-credentials-title" class="card">
      <h2 id="user-credentials-title">Credentials of {props.email}</h2>
      <p class="muted">Metadata only: secrets are write-only, for administrators too.</p>
      <Show when={done()}>
        <p class="notice notice-success" role="status">
          {done()}
        </p>
      </Show>
      <Show when={problem()}>{(current) => <ProblemNotice problem={current()} />}</Show>
      <Switch>
        <Match when={credentials.data === undefined && credentials.error}>
          {(error) => <ProblemNotice problem={problemFrom(error())} />}
        </Match>
        <Match when={credentials.data === undefined}>
          <Loading label="Loading credentials…" />
        </Match>
        <Match when={credentials.data?.userCredentials.length === 0}>
          <p>No credentials stored.</p>
        </Match>
        <Match when={credentials.data}>
          {(data) => (
            <table class="table" data-testid="user-credentials">
              <thead>
                <tr>
                  <th scope="col">Provider</th>
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
                <For each={data().userCredentials}>
                  {(credential) => (
                    <tr>
                      <th scope="row" data-label="Provider">
                        {registry.providerLabel(credential.provider)}
                      </th>
                      <td data-label="Kind">
                        {registry.credentialName(credential.provider, credential.kind)}
                      </td>
                      <td data-label="Key">
                        <code class="hint">{maskedHint(credential.hint)}</code>
                      </td>
                      <td data-label="Added">{formatDateTime(credential.createdAt)}</td>
                      <td data-label="Last used">
                        {credential.lastUsedAt ? formatDateTime(credential.lastUsedAt) : "Never"}
                      </td>
                      <td>
                        <button
                          type="button"
                          class="button button-small button-danger"
                          aria-label={`Delete ${registry.credentialName(credential.provider, credential.kind)} of ${props.email}`}
                          onClick={() => {
                            setDone(undefined);
                            setTarget(credential);
                          }}
                        >
                          Delete
                        </button>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
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
          {props.email}'s agents stop using it at once. They can add a new one; it cannot be
          restored.
        </p>
      </ConfirmDialog>
    </section>
  );
}
