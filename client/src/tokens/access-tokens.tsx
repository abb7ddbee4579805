import { createMutation, createQuery } from "@urql/solid";
import { createSignal, For, Match, Show, Switch, type JSX } from "solid-js";
import {
  ApiTokensDocument,
  CreateApiTokenDocument,
  RevokeApiTokenDocument,
  type ApiTokenFieldsFragment,
} from "../gql/graphql.js";
import { problemFrom, type Problem } from "../lib/errors.js";
import { formatDateTime } from "../lib/format.js";
import { ConfirmDialog } from "../ui/confirm-dialog.js";
import { Field } from "../ui/field.js";
import { Loading } from "../ui/loading.js";
import { ProblemNotice } from "../ui/problem-notice.js";

const TOKEN_TYPES = { additionalTypenames: ["ApiToken"] };
/** The api's limit on a token's name. */
const MAX_NAME_LENGTH = 200;

/**
 * Personal access tokens: for scripts and other programs that call the API as this user. A new
 * token is shown once, with a copy button; afterwards only its name and dates are listed (the
 * api keeps its hash alone), and it can be revoked.
 */
export function AccessTokensTab(): JSX.Element {
  const [tokens] = createQuery({
    query: ApiTokensDocument,
    context: TOKEN_TYPES,
    requestPolicy: "cache-and-network",
  });
  const [, createToken] = createMutation(CreateApiTokenDocument);
  const [, revokeToken] = createMutation(RevokeApiTokenDocument);
  const [name, setName] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem>();
  const [created, setCreated] = createSignal<{ name: string; token: string }>();
  const [copied, setCopied] = createSignal(false);
  const [revoking, setRevoking] = createSignal<ApiTokenFieldsFragment>();
  const [done, setDone] = createSignal<string>();
  let input: HTMLInputElement | undefined;

  const create = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    setDone(undefined);
    const wanted = name().trim();
    if (wanted === "" || wanted.length > MAX_NAME_LENGTH) {
      setProblem({
        code: "BAD_USER_INPUT",
        title: `Name the token (1 to ${MAX_NAME_LENGTH} characters) after what will use it.`,
        field: "name",
      });
      input?.focus();
      return;
    }
    setBusy(true);
    setProblem(undefined);
    const result = await createToken({ name: wanted }, TOKEN_TYPES);
    setBusy(false);
    if (result.data) {
      setCreated({
        name: result.data.createApiToken.apiToken.name,
        token: result.data.createApiToken.token,
      });
      setCopied(false);
      setName("");
    } else if (result.error) {
      setProblem({ ...problemFrom(result.error), field: "name" });
      input?.focus();
    }
  };

  const copy = async (token: string): Promise<void> => {
    try {
      await navigator.clipboard.writeText(token);
      setCopied(true);
    } catch {
      // No clipboard (an insecure origin, or refused): the token stays selectable in its field.
      setCopied(false);
    }
  };

  const revoke = async (token: ApiTokenFieldsFragment): Promise<void> => {
    setBusy(true);
    const result = await revokeToken({ id: token.id }, TOKEN_TYPES);
    setBusy(false);
    setRevoking(undefined);
    if (result.error) setProblem(problemFrom(result.error));
    else setDone(`Revoked “${token.name}”. Programs using it are signed out at once.`);
  };

  return (
    <section class="tab-panel" aria-labelledby="access-tokens-title">
      <h2 id="access-tokens-title">Access tokens</h2>
      <p class="muted">
        Personal access tokens let scripts and other programs call the API as you (send them as{" "}
        <code>Authorization: Bearer …</code>). Each is shown once, when it is created; revoke one
        you no longer use.
      </p>
      <Show when={created()}>
        {(shown) => (
          <div class="card created-token" role="status" data-testid="created-token">
            <p>
              <strong>Copy your new token “{shown().name}” now.</strong> It will not be shown again.
            </p>
            <div class="created-token-row">
              <input
                class="secret-text"
                readOnly
                aria-label="New access token"
                value={shown().token}
                onFocus={(event) => {
                  event.currentTarget.select();
                }}
              />
              <button type="button" class="button" onClick={() => void copy(shown().token)}>
                {copied() ? "Copied" : "Copy"}
              </button>
            </div>
            <button
              type="button"
              class="button"
              onClick={() => {
                setCreated(undefined);
              }}
            >
              Done
            </button>
          </div>
        )}
      </Show>
      <form class="form card access-token-form" onSubmit={(event) => void create(event)} novalidate>
        <Field
          label="Token name"
          id="access-token-name"
          hint="What will use it, e.g. “CI pipeline” or “laptop script”."
          error={problem()?.field === "name" ? problem()?.title : undefined}
        >
          {(control) => (
            <input
              {...control}
              ref={(el) => (input = el)}
              type="text"
              maxLength={MAX_NAME_LENGTH}
              autocomplete="off"
              value={name()}
              onInput={(event) => setName(event.currentTarget.value)}
            />
          )}
        </Field>
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={busy()}>
            {busy() ? "Creating…" : "Create token"}
          </button>
        </div>
      </form>
      <Show when={done()}>
        <p class="notice notice-success" role="status">
          {done()}
        </p>
      </Show>
      <Show when={problem() !== undefined && problem()?.field === undefined}>
        <ProblemNotice problem={problem() as Problem} />
      </Show>
      <Switch>
        <Match when={tokens.data === undefined && tokens.error}>
          {(error) => <ProblemNotice problem={problemFrom(error())} />}
        </Match>
        <Match when={tokens.data === undefined}>
          <Loading label="Loading your tokens…" />
        </Match>
        <Match when={tokens.data?.apiTokens.length === 0}>
          <p class="muted" data-testid="no-access-tokens">
            You have no access tokens.
          </p>
        </Match>
        <Match when={tokens.data}>
          {(data) => (
            <div class="table-scroll" role="region" aria-label="Access tokens table" tabIndex={0}>
              <table class="table" data-testid="access-tokens">
                <caption class="visually-hidden">Your access tokens</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Created</th>
                    <th scope="col">Last used</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={data().apiTokens}>
                    {(token) => (
                      <tr>
                        <th scope="row" data-label="Name">
                          {token.name}
                        </th>
                        <td data-label="Created">{formatDateTime(token.createdAt)}</td>
                        <td data-label="Last used">
                          {token.lastUsedAt ? formatDateTime(token.lastUsedAt) : "Never"}
                        </td>
                        <td>
                          <button
                            type="button"
                            class="button button-danger"
                            disabled={busy()}
                            aria-label={`Revoke ${token.name}`}
                            onClick={() => {
                              setDone(undefined);
                              setRevoking(token);
                            }}
                          >
                            Revoke
                          </button>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          )}
        </Match>
      </Switch>
      <ConfirmDialog
        open={revoking() !== undefined}
        title={`Revoke “${revoking()?.name ?? ""}”?`}
        confirmLabel="Revoke"
        busy={busy()}
        onConfirm={() => {
          const token = revoking();
          if (token !== undefined) void revoke(token);
        }}
        onCancel={() => {
          setRevoking(undefined);
        }}
      >
        <p>Programs using this token stop working at once, and it cannot be restored.</p>
      </ConfirmDialog>
    </section>
  );
}
