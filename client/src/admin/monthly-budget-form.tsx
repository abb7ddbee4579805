import { createMutation } from "@urql/solid";
import { createSignal, Show, type JSX } from "solid-js";
import { SetUserMonthlyBudgetDocument } from "../gql/graphql.js";
import { problemFrom, type Problem } from "../lib/errors.js";
import { formatCost } from "../lib/format.js";
import { parseBudget } from "../session-settings/general-tab.js";
import { Field } from "../ui/field.js";

/**
 * A user's monthly budget as an admin sets it, with what they spent this UTC month: what the
 * provider calls of the messages they send may cost, in every session.
 */
export function MonthlyBudgetForm(props: {
  readonly user: {
    readonly id: string;
    readonly email: string;
    readonly monthlyBudgetUsd?: number | null;
    readonly spentThisMonthUsd: number;
  };
}): JSX.Element {
  const [, setBudget] = createMutation(SetUserMonthlyBudgetDocument);
  const budget = (): number | null => props.user.monthlyBudgetUsd ?? null;
  const [text, setText] = createSignal(budget() === null ? "" : (budget() ?? 0).toFixed(2));
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem>();
  const [done, setDone] = createSignal<string>();

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
    const result = await setBudget({ userId: props.user.id, budgetUsd });
    setBusy(false);
    if (result.error) setProblem({ ...problemFrom(result.error), field: "budget" });
    else setDone(budgetUsd === null ? "Monthly budget removed." : "Monthly budget saved.");
  };

  return (
    <form class="form card" onSubmit={(event) => void save(event)} novalidate>
      <h3>Monthly budget</h3>
      <p data-testid="monthly-spent">
        Spent this month (UTC): <strong>{formatCost(props.user.spentThisMonthUsd)}</strong>
        <Show when={budget() !== null} fallback={<> · no monthly budget</>}>
          {" "}
          of {formatCost(budget() ?? 0)}
        </Show>
      </p>
      <Field
        label="Monthly budget (USD)"
        id={`monthly-budget-${props.user.id}`}
        hint="What their messages may cost per calendar month, in every session: past it a message is refused, and a run that crosses it stops after its current call. Leave empty for none."
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
          {busy() ? "Saving…" : "Save monthly budget"}
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
