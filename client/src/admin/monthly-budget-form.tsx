import { createMutation } from "@urql/solid";
import type { JSX } from "solid-js";
import { SetUserMonthlyBudgetDocument } from "../gql/graphql.js";
import { BudgetForm } from "../ui/budget-form.js";

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
  return (
    <BudgetForm
      title="Monthly budget"
      spentLabel="Spent this month (UTC)"
      spentTestId="monthly-spent"
      noBudget="no monthly budget"
      inputId={`monthly-budget-${props.user.id}`}
      hint="What their messages may cost per calendar month, in every session: past it a message is refused, and a run that crosses it stops after its current call. Leave empty for none."
      spent={props.user.spentThisMonthUsd}
      budget={props.user.monthlyBudgetUsd ?? null}
      save={async (budgetUsd) => (await setBudget({ userId: props.user.id, budgetUsd })).error}
    />
  );
}
