import { createQuery, createSubscription } from "@urql/solid";
import {
  createEffect,
  createMemo,
  createSignal,
  For,
  Match,
  on,
  Show,
  Switch,
  type JSX,
} from "solid-js";
import {
  SessionUsageDocument,
  UsageSeriesDocument,
  type UsageTotalsFragment,
} from "../gql/graphql.js";
import { problemFrom } from "../lib/errors.js";
import { formatCost, formatTokens } from "../lib/format.js";
import { Loading } from "../ui/loading.js";
import { ProblemNotice } from "../ui/problem-notice.js";
import { rangeEnding, type BucketSize } from "./chart-scale.js";
import { UsageChart } from "./usage-chart.js";

const RANGES = {
  day: { label: "Last 24 hours", bucket: "HOUR", count: 24 },
  week: { label: "Last 7 days", bucket: "DAY", count: 7 },
  month: { label: "Last 30 days", bucket: "DAY", count: 30 },
} as const satisfies Record<string, { label: string; bucket: BucketSize; count: number }>;
type RangeKey = keyof typeof RANGES;

const TOKEN_CLASSES = [
  { key: "inputTokens", label: "Input" },
  { key: "outputTokens", label: "Output" },
  { key: "cacheReadTokens", label: "Cache read" },
  { key: "cacheWriteTokens", label: "Cache write" },
  { key: "reasoningTokens", label: "Reasoning (within output)" },
] as const;

/** The session's usage: tokens by class, calls, estimated cost, and tokens over time. Live. */
export function UsageStatsTab(props: { readonly sessionId: string }): JSX.Element {
  const [rangeKey, setRangeKey] = createSignal<RangeKey>("day");
  const [now, setNow] = createSignal(Date.now());
  const range = createMemo(() => {
    const chosen = RANGES[rangeKey()];
    return rangeEnding(now(), chosen.bucket, chosen.count);
  });
  const [series] = createQuery({
    query: UsageSeriesDocument,
    variables: () => ({ id: props.sessionId, ...range() }),
    requestPolicy: "cache-and-network",
  });
  const [live] = createSubscription({
    query: SessionUsageDocument,
    variables: () => ({ sessionId: props.sessionId }),
  });
  // Every pushed total means a new provider call: redraw the series up to now.
  createEffect(
    on(
      () => live.data?.sessionUsage.apiCalls,
      (calls, previous) => {
        if (calls !== undefined && previous !== undefined && calls !== previous) setNow(Date.now());
      },
    ),
  );
  const totals = (): UsageTotalsFragment | undefined =>
    live.data?.sessionUsage ?? series.data?.session?.usage;

  return (
    <section class="tab-panel" aria-labelledby="usage-tab-title">
      <h2 id="usage-tab-title">Usage Stats</h2>
      <Switch>
        <Match when={series.data === undefined && series.error}>
          {(error) => <ProblemNotice problem={problemFrom(error())} />}
        </Match>
        <Match when={series.data?.session === null}>
          <p>This session does not exist or is not shared with you.</p>
        </Match>
        <Match when={series.data === undefined || totals() === undefined}>
          <Loading label="Loading usage…" />
        </Match>
        <Match when={totals()}>
          {(usage) => (
            <>
              <dl class="stats" data-testid="usage-stats">
                <div class="stat">
                  <dt>Total tokens</dt>
                  <dd>{formatTokens(usage().totalTokens)}</dd>
                </div>
                <div class="stat">
                  <dt>API calls</dt>
                  <dd>{usage().apiCalls.toLocaleString("en-US")}</dd>
                </div>
                <div class="stat">
                  <dt>Estimated cost</dt>
                  <dd>{formatCost(usage().estimatedCostUsd)}</dd>
                </div>
              </dl>
              <Show when={usage().unpricedCalls > 0}>
                <p class="muted">
                  {usage().unpricedCalls} call(s) used models without a known price and are not in
                  the estimate.
                </p>
              </Show>
              <h3>Tokens by class</h3>
              <dl class="token-classes">
                <For each={TOKEN_CLASSES}>
                  {(tokenClass) => (
                    <div>
                      <dt>{tokenClass.label}</dt>
                      <dd>{formatTokens(usage()[tokenClass.key])}</dd>
                    </div>
                  )}
                </For>
              </dl>
              <div class="chart-header">
                <h3>Over time</h3>
                <div class="field field-inline">
                  <label for="usage-range">Period</label>
                  <select
                    id="usage-range"
                    value={rangeKey()}
                    onChange={(event) => {
                      setRangeKey(event.currentTarget.value as RangeKey);
                      setNow(Date.now());
                    }}
                  >
                    <For each={Object.entries(RANGES)}>
                      {([key, option]) => <option value={key}>{option.label}</option>}
                    </For>
                  </select>
                </div>
              </div>
              <Show
                when={usage().apiCalls > 0}
                fallback={
                  <p class="muted" data-testid="usage-empty">
                    No provider calls yet: the chart fills in as this session's agents answer
                    messages.
                  </p>
                }
              >
                {/* The bucket size of the data shown (the new range's may still be loading). */}
                <UsageChart
                  buckets={series.data?.session?.usageSeries ?? []}
                  bucket={series.operation.variables.bucket}
                />
              </Show>
            </>
          )}
        </Match>
      </Switch>
    </section>
  );
}
