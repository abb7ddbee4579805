import { useNavigate } from "@solidjs/router";
import { createMutation, createQuery } from "@urql/solid";
import { createEffect, createSignal, Match, Show, Switch, type JSX } from "solid-js";
import {
  DeleteSessionDocument,
  RenameSessionDocument,
  SessionManageDocument,
  SetSessionBudgetDocument,
  type SessionManageQuery,
} from "../gql/graphql.js";
import { problemFrom, type Problem } from "../lib/errors.js";
import { formatCost } from "../lib/format.js";
import { ConfirmDialog } from "../ui/confirm-dialog.js";
import { BudgetForm } from "../ui/budget-form.js";
import { Field } from "../ui/field.js";
import { Loading } from "../ui/loading.js";
import { ProblemNotice } from "../ui/problem-notice.js";

type ManagedSession = NonNullable<SessionManageQuery["session"]>;

const SESSION_TYPES = { additionalTypenames: ["Session"] };
/** The api's limit on a session's name. */
const MAX_NAME_LENGTH = 200;

/** Session Settings → General: the name, the budget with what is spent, and deleting it. */
export function GeneralTab(props: { readonly sessionId: string }): JSX.Element {
  const [session] = createQuery({
    query: SessionManageDocument,
    variables: () => ({ id: props.sessionId }),
    context: SESSION_TYPES,
    requestPolicy: "cache-and-network",
  });
  return (
    <Switch>
      <Match when={session.data === undefined && session.error}>
        {(error) => <ProblemNotice problem={problemFrom(error())} />}
      </Match>
      <Match when={session.data === undefined}>
        <Loading label="Loading the session…" />
      </Match>
      <Match when={session.data?.session}>
        {(found) => (
          <section class="tab-panel" aria-labelledby="general-title">
            <h2 id="general-title">General</h2>
            <Show
              when={found().viewerRole === "OWNER"}
              fallback={
                <p class="muted" data-testid="not-owner">
                  Only the session's owner changes its name and budget or deletes it.
                </p>
              }
            >
              <RenameForm session={found()} />
              <SessionBudget session={found()} />
              <DeleteSession session={found()} />
            </Show>
          </section>
        )}
      </Match>
    </Switch>
  );
}

function RenameForm(props: { readonly session: ManagedSession }): JSX.Element {
  const [, rename] = createMutation(RenameSessionDocument);
  const [name, setName] = createSignal(props.session.name);
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem>();
  const [done, setDone] = createSignal(false);
  createEffect(() => setName(props.session.name));

  const save = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    setDone(false);
    const wanted = name().trim();
    if (wanted === "" || wanted.length > MAX_NAME_LENGTH) {
      setProblem({
        code: "BAD_USER_INPUT",
        title: `A name is 1 to ${MAX_NAME_LENGTH} characters.`,
        field: "name",
      });
      return;
    }
    setBusy(true);
    setProblem(undefined);
    const result = await rename({ id: props.session.id, name: wanted }, SESSION_TYPES);
    setBusy(false);
    if (result.error) setProblem({ ...problemFrom(result.error), field: "name" });
    else setDone(true);
  };

  return (
    <form class="form card" onSubmit={(event) => void save(event)} novalidate>
      <Field
        label="Session name"
        id="session-name"
        error={problem()?.field === "name" ? problem()?.title : undefined}
      >
        {(control) => (
          <input
            {...control}
            type="text"
            maxLength={MAX_NAME_LENGTH}
            value={name()}
            onInput={(event) => setName(event.currentTarget.value)}
          />
        )}
      </Field>
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={busy()}>
          {busy() ? "Renaming…" : "Rename"}
        </button>
        <Show when={done()}>
          <span class="muted" role="status">
            Renamed.
          </span>
        </Show>
      </div>
    </form>
  );
}

function SessionBudget(props: { readonly session: ManagedSession }): JSX.Element {
  const [, setBudget] = createMutation(SetSessionBudgetDocument);
  return (
    <BudgetForm
      title="Budget"
      spentLabel="Spent so far"
      spentTestId="budget-spent"
      noBudget="no budget set"
      inputId="session-budget"
      hint="A message that would start past it is refused; a run that crosses it stops after its current call. Leave empty for none."
      spent={props.session.usage.estimatedCostUsd}
      budget={props.session.budgetUsd}
      save={async (budgetUsd) =>
        (await setBudget({ sessionId: props.session.id, budgetUsd }, SESSION_TYPES)).error
      }
    />
  );
}

function DeleteSession(props: { readonly session: ManagedSession }): JSX.Element {
  const [, remove] = createMutation(DeleteSessionDocument);
  const navigate = useNavigate();
  const [confirming, setConfirming] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem>();
  const count = (n: number, one: string, many: string): string =>
    `${String(n)} ${n === 1 ? one : many}`;

  const confirm = async (): Promise<void> => {
    setBusy(true);
    const result = await remove({ id: props.session.id }, SESSION_TYPES);
    setBusy(false);
    setConfirming(false);
    if (result.error) setProblem(problemFrom(result.error));
    else navigate("/", { replace: true });
  };

  return (
    <div class="card danger-zone">
      <h3>Delete this session</h3>
      <p class="muted">
        Deleting it removes its agents with their conversations and workspaces, the session's own
        keys, its members' access and its usage records. It cannot be undone.
      </p>
      <Show when={problem()}>{(shown) => <ProblemNotice problem={shown()} />}</Show>
      <button type="button" class="button button-danger" onClick={() => setConfirming(true)}>
        Delete session
      </button>
      <ConfirmDialog
        open={confirming()}
        title={`Delete “${props.session.name}”?`}
        confirmLabel="Delete session"
        busy={busy()}
        onConfirm={() => void confirm()}
        onCancel={() => setConfirming(false)}
      >
        <p data-testid="delete-session-consequences">
          This deletes {count(props.session.agents.length, "agent", "agents")} with their
          conversations and workspaces,{" "}
          {count(props.session.keys.length, "session key", "session keys")}, the access of{" "}
          {count(Math.max(0, props.session.members.length - 1), "member", "members")} and the usage
          records ({count(props.session.usage.apiCalls, "provider call", "provider calls")},{" "}
          {formatCost(props.session.usage.estimatedCostUsd)}). It cannot be undone.
        </p>
      </ConfirmDialog>
    </div>
  );
}
