import { createSubscription } from "@urql/solid";
import { Show, type JSX } from "solid-js";
import { SessionUsageDocument, type UsageTotalsFragment } from "../gql/graphql.js";
import { formatCost, formatTokens } from "../lib/format.js";

/**
 * The session's tokens, API calls and estimated cost, pushed by the api after every provider
 * call (sessionUsage), so the figures move while an agent works. Until the first push it shows
 * the totals the page loaded with.
 */
export function UsageCounter(props: {
  readonly sessionId: string;
  readonly initial: UsageTotalsFragment;
}): JSX.Element {
  const [live] = createSubscription({
    query: SessionUsageDocument,
    variables: () => ({ sessionId: props.sessionId }),
  });
  const usage = (): UsageTotalsFragment => live.data?.sessionUsage ?? props.initial;
  return (
    <dl class="usage-counter" aria-label="Session usage" data-testid="usage-counter">
      <div>
        <dt>Tokens</dt>
        <dd data-testid="usage-tokens">{formatTokens(usage().totalTokens)}</dd>
      </div>
      <div>
        <dt>API calls</dt>
        <dd data-testid="usage-calls">{usage().apiCalls.toLocaleString("en-US")}</dd>
      </div>
      <div>
        <dt>Est. cost</dt>
        <dd data-testid="usage-cost">
          {formatCost(usage().estimatedCostUsd)}
          <Show when={usage().unpricedCalls > 0}>
            <span
              class="unpriced"
              title={`${usage().unpricedCalls} call(s) without a known price are not in the estimate`}
            >
              *
            </span>
          </Show>
        </dd>
      </div>
    </dl>
  );
}
