import { createQuery } from "@urql/solid";
import { Show, type JSX } from "solid-js";
import { MyMonthlyBudgetDocument } from "../gql/graphql.js";
import { formatCost } from "../lib/format.js";

/** The viewer's monthly budget (set by an admin) and what they spent this month; nothing if none. */
export function MonthlyBudgetLine(): JSX.Element {
  const [result] = createQuery({
    query: MyMonthlyBudgetDocument,
    requestPolicy: "cache-and-network",
  });
  return (
    <Show when={result.data?.me}>
      {(me) => (
        <Show when={me().monthlyBudgetUsd !== null}>
          <p class="notice" data-testid="my-monthly-budget">
            Your monthly budget: <strong>{formatCost(me().monthlyBudgetUsd ?? 0)}</strong>, set by
            an administrator — spent <strong>{formatCost(me().spentThisMonthUsd)}</strong> this
            month (UTC), in every session. Past it, your messages are refused until the 1st.
          </p>
        </Show>
      )}
    </Show>
  );
}
