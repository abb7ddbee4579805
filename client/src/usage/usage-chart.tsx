import { createMemo, createSignal, For, Index, onCleanup, onMount, type JSX } from "solid-js";
import { formatCost, formatTokens } from "../lib/format.js";
import { ticks, type BucketSize } from "./chart-scale.js";

export interface ChartBucket {
  readonly start: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly apiCalls: number;
  readonly estimatedCostUsd: number;
}

const SERIES = [
  { key: "inputTokens", label: "Input", className: "series-input" },
  { key: "outputTokens", label: "Output", className: "series-output" },
  { key: "cacheReadTokens", label: "Cache read", className: "series-cache-read" },
  { key: "cacheWriteTokens", label: "Cache write", className: "series-cache-write" },
] as const;

const DEFAULT_WIDTH = 720;
const MIN_WIDTH = 280;
const HEIGHT = 240;
const PAD = { top: 12, right: 12, bottom: 28, left: 56 } as const;

const bucketLabel = (start: string, bucket: BucketSize): string =>
  new Intl.DateTimeFormat(
    "en-US",
    bucket === "HOUR" ? { hour: "numeric" } : { month: "short", day: "numeric" },
  ).format(Date.parse(start));

const bucketTitle = (start: string, bucket: BucketSize): string =>
  new Intl.DateTimeFormat("en-US", {
    month: "short",
    day: "numeric",
    ...(bucket === "HOUR" ? { hour: "numeric", minute: "2-digit" } : {}),
  }).format(Date.parse(start));

const total = (b: ChartBucket): number =>
  b.inputTokens + b.outputTokens + b.cacheReadTokens + b.cacheWriteTokens;

/**
 * Tokens per bucket as stacked bars (input, output, cache read, cache write), drawn as SVG.
 * The same figures are available as a table for screen readers and for reading exact values.
 */
export function UsageChart(props: {
  readonly buckets: readonly ChartBucket[];
  readonly bucket: BucketSize;
}): JSX.Element {
  // Drawn at the width it is shown at, so its text stays legible on a phone.
  const [width, setWidth] = createSignal(DEFAULT_WIDTH);
  let figure!: HTMLElement;
  onMount(() => {
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(MIN_WIDTH, Math.floor(entry.contentRect.width)));
    });
    observer.observe(figure);
    onCleanup(() => {
      observer.disconnect();
    });
  });
  const yTicks = createMemo(() => ticks(Math.max(0, ...props.buckets.map(total))));
  const top = (): number => yTicks().at(-1) ?? 1;
  const plotWidth = (): number => width() - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = (): number => plotWidth() / Math.max(1, props.buckets.length);
  const y = (value: number): number => PAD.top + plotHeight - (value / top()) * plotHeight;
  // Label a bucket about every 70 pixels along the axis, whatever the range.
  const labelEvery = (): number =>
    Math.max(1, Math.ceil(props.buckets.length / Math.max(2, Math.floor(plotWidth() / 70))));
  const summary = (): string => {
    const peak = props.buckets.reduce<ChartBucket | undefined>(
      (best, b) => (best === undefined || total(b) > total(best) ? b : best),
      undefined,
    );
    const sum = props.buckets.reduce((acc, b) => acc + total(b), 0);
    return peak === undefined || sum === 0
      ? "No tokens used in this period."
      : `${formatTokens(sum)} tokens in this period; the most, ${formatTokens(total(peak))}, at ${bucketTitle(peak.start, props.bucket)}.`;
  };

  return (
    <figure class="chart" ref={figure}>
      <svg
        viewBox={`0 0 ${width()} ${HEIGHT}`}
        role="img"
        aria-labelledby="usage-chart-title usage-chart-desc"
        data-testid="usage-chart"
      >
        <title id="usage-chart-title">Tokens over time</title>
        <desc id="usage-chart-desc">{summary()}</desc>
        <For each={yTicks()}>
          {(tick) => (
            <g class="chart-grid">
              <line x1={PAD.left} x2={width() - PAD.right} y1={y(tick)} y2={y(tick)} />
              <text x={PAD.left - 8} y={y(tick)} dy="0.32em" text-anchor="end">
                {formatTokens(tick)}
              </text>
            </g>
          )}
        </For>
        <Index each={props.buckets}>
          {(bucket, i) => {
            const x = (): number => PAD.left + i * slot() + slot() * 0.15;
            const width = (): number => Math.max(1, slot() * 0.7);
            // Each series stacked on those before it.
            const segments = () => {
              let base = 0;
              return SERIES.map((series) => {
                const value = bucket()[series.key];
                const segment = { series, from: base, to: base + value };
                base += value;
                return segment;
              });
            };
            return (
              <g class="chart-bar">
                <title>
                  {`${bucketTitle(bucket().start, props.bucket)}: ${formatTokens(total(bucket()))} tokens, ${bucket().apiCalls} calls, ${formatCost(bucket().estimatedCostUsd)}`}
                </title>
                <For each={segments().filter((s) => s.to > s.from)}>
                  {(segment) => (
                    <rect
                      class={segment.series.className}
                      x={x()}
                      width={width()}
                      y={y(segment.to)}
                      height={Math.max(0, y(segment.from) - y(segment.to))}
                    />
                  )}
                </For>
                {i % labelEvery() === 0 ? (
                  <text
                    class="chart-axis"
                    x={x() + width() / 2}
                    y={HEIGHT - 8}
                    text-anchor="middle"
                  >
                    {bucketLabel(bucket().start, props.bucket)}
                  </text>
                ) : null}
              </g>
            );
          }}
        </Index>
        <line class="chart-baseline" x1={PAD.left} x2={width() - PAD.right} y1={y(0)} y2={y(0)} />
      </svg>
      <figcaption>
        <ul class="legend">
          <For each={SERIES}>
            {(series) => (
              <li>
                <span class={`legend-swatch ${series.className}`} aria-hidden="true" />
                {series.label}
              </li>
            )}
          </For>
        </ul>
      </figcaption>
      <details class="chart-table">
        <summary>Show as a table</summary>
        <div class="table-scroll" role="region" aria-label="Usage table" tabIndex={0}>
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{props.bucket === "HOUR" ? "Hour" : "Day"}</th>
                <For each={SERIES}>
                  {(series) => (
                    <th scope="col" class="numeric">
                      {series.label}
                    </th>
                  )}
                </For>
                <th scope="col" class="numeric">
                  Calls
                </th>
                <th scope="col" class="numeric">
                  Est. cost
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={props.buckets}>
                {(bucket) => (
                  <tr>
                    <th scope="row">{bucketTitle(bucket.start, props.bucket)}</th>
                    <For each={SERIES}>
                      {(series) => <td class="numeric">{formatTokens(bucket[series.key])}</td>}
                    </For>
                    <td class="numeric">{bucket.apiCalls}</td>
                    <td class="numeric">{formatCost(bucket.estimatedCostUsd)}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
