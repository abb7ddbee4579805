import type { CombinedError } from "@urql/core";
import { createEffect, createSignal, Show, type JSX } from "solid-js";
import { problemFrom, type Problem } from "../lib/errors.js";
import { formatCost } from "../lib/format.js";
import { Field } from "./field.js";

/** The text of a budget field as the api takes it: a non-negative amount, or null for none. */
export function parseBudget(text: string): number | null | "invalid" {
  const trimmed = text.trim().replace(/^\$/, "");
  if (trimmed === "") return null;
  if (!/^\d+(\.\d{1,2})?$/.test(trimmed)) return "invalid";
  const value = Number(trimmed);
  return Number.isFinite(value) && value <= 1_000_000 ? value : "invalid";
}

/**
 * A cost cap in USD beside what has been spent against it: a session's budget, a user's monthly
 * one. Empty clears it; the amount is checked before it is sent, and the api's refusal is shown
 * at the field.
 */
export function BudgetForm(props: {
  /** "Budget", "Monthly budget": the heading, and the start of the saved/removed notice. */
  readonly title: string;
  /** "Spent so far", "Spent this month (UTC)". */
  readonly spentLabel: string;
  readonly spentTestId: string;
  /** Said after the spending when there is no budget, e.g. "no budget set". */
  readonly noBudget: string;
  readonly inputId: string;
  readonly hint: string;
  readonly spent: number;
  readonly budget: number | null;
  /** Stores the budget (null: none); resolves with the api's error, if any. */
  readonly save: (budgetUsd: number | null) => Promise<CombinedError | undefined>;
}): JSX.Element {
  const initial = (): string => (props.budget === null ? "" : props.budget.toFixed(2));
  const [text, setText] = createSignal(initial());
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem>();
  const [done, setDone] = createSignal<string>();
  createEffect(() => setText(initial()));

  const share = (): number | undefined =>
    props.budget === null || props.budget === 0
      ? undefined
      : Math.min(100, (props.spent / props.budget) * 100);

  const submit = async (event: SubmitEvent): Promise<void> => {
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
    const error = await props.save(budgetUsd);
    setBusy(false);
    if (error) setProblem({ ...problemFrom(error), field: "budget" });
    else setDone(`${props.title} ${budgetUsd === null ? "removed" : "saved"}.`);
  };

  return (
    <form class="form card" onSubmit={(event) => void submit(event)} novalidate>
      <h3>{props.title}</h3>
      <p data-testid={props.spentTestId}>
        {props.spentLabel}: <strong>{formatCost(props.spent)}</strong>
        <Show when={props.budget !== null} fallback={<> · {props.noBudget}</>}>
          {" "}
          of {formatCost(props.budget ?? 0)}
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
        label={`${props.title} (USD)`}
        id={props.inputId}
        hint={props.hint}
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
          {busy() ? "Saving…" : `Save ${props.title.toLowerCase()}`}
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
