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
              <BudgetForm session={found()} />
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

/** The text of a budget field as the api takes it: a non-negative amount, or null for none. */
export function parseBudget(text: string): number | null | "invalid" {
  const trimmed = text.trim().replace(/^\$/, "");
  if (trimmed === "") return null;
  if (!/^\d+(\.\d{1,2})?$/.test(trimmed)) return "invalid";
  const value = Number(trimmed);
  return Number.isFinite(value) && value <= 1_000_000 ? value : "invalid";
}

function BudgetForm(props: { readonly session: ManagedSession }): JSX.Element {
  const [, setBudget] = createMutation(SetSessionBudgetDocument);
  const initial = (): string =>
    props.session.budgetUsd === null ? "" : props.session.budgetUsd.toFixed(2);
  const [text, setText] = createSignal(initial());
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem>();
  const [done, setDone] = createSignal<string>();
  createEffect(() => setText(initial()));

  const spent = (): number => props.session.usage.estimatedCostUsd;
  const share = (): number | undefined => {
    const budget = props.session.budgetUsd;
    return budget === null || budget === 0 ? undefined : Math.min(100, (spent() / budget) * 100);
  };

  const save = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    setDone(undefined);
    const budgetUsd = parseBudget(text());
    if (budgetUsd === "invalid") {
      setProblem({
        code: "BAD_USER_INPUT",
        title: "A budget is an amount in US dollars, such as 25 or 12.50 (up to $1,000,000).",
        field: "budget",
      });
      return;
    }
    setBusy(true);
    setProblem(undefined);
    const result = await setBudget({ sessionId: props.session.id, budgetUsd }, SESSION_TYPES);
    setBusy(false);
    if (result.error) setProblem({ ...problemFrom(result.error), field: "budget" });
    else setDone(budgetUsd === null ? "Budget removed." : "Budget saved.");
  };

  return (
    <form class="form card" onSubmit={(event) => void save(event)} novalidate>
      <h3>Budget</h3>
      <p data-testid="budget-spent">
        Spent so far: <strong>{formatCost(spent())}</strong>
        <Show when={props.session.budgetUsd !== null} fallback={<> · no budget set</>}>
          {" "}
          of {formatCost(props.session.budgetUsd ?? 0)}
        </Show>
      </p>
      <Show when={share()}>
        {(percent) => (
          <meter
            class="budget-meter"
            min={0}
            max={100}
            low={80}
            high={95}
            optimum={0}
            value={percent()}
            aria-label="Share of the budget spent"
          />
        )}
      </Show>
      <Field
        label="Budget (USD)"
        id="session-budget"
        hint="A message that would start past it is refused; a run that crosses it stops after its current call. Leave empty for none."
        error={problem()?.field === "budget" ? problem()?.title : undefined}
      >
        {(control) => (
          <input
            {...control}
            type="text"
            inputMode="decimal"
            placeholder="No budget"
            value={text()}
            onInput={(event) => setText(event.currentTarget.value)}
          />
        )}
      </Field>
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={busy()}>
          {busy() ? "Saving…" : "Save budget"}
        </button>
        <Show when={done()}>
          <span class="muted" role="status">
            {done()}
          </span>
        </Show>
      </div>
    </form>
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
