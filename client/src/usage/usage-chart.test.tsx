import { render } from "solid-js/web";
import { afterEach, expect, it } from "vitest";
import { UsageChart, type ChartBucket } from "./usage-chart.js";

let dispose: (() => void) | undefined;
afterEach(() => {
  dispose?.();
  document.body.replaceChildren();
});

const bucket = (start: string, input: number, output: number): ChartBucket => ({
  start,
  inputTokens: input,
  outputTokens: output,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  apiCalls: input > 0 ? 1 : 0,
  estimatedCostUsd: input / 1_000_000,
});

function draw(buckets: ChartBucket[]): HTMLElement {
  const root = document.createElement("div");
  document.body.append(root);
  dispose = render(() => <UsageChart buckets={buckets} bucket="HOUR" />, root);
  return root;
}

it("stacks input on output in proportion, and leaves empty buckets without bars", () => {
  const root = draw([
    bucket("2026-03-10T10:00:00.000Z", 300, 100),
    bucket("2026-03-10T11:00:00.000Z", 0, 0),
    bucket("2026-03-10T12:00:00.000Z", 1500, 500),
  ]);
  const bars = [...root.querySelectorAll("g.chart-bar")];
  expect(bars).toHaveLength(3);
  expect(bars[1]?.querySelectorAll("rect")).toHaveLength(0);
  const heights = (index: number) =>
    [...(bars[index]?.querySelectorAll("rect") ?? [])].map((rect) =>
      Number(rect.getAttribute("height")),
    );
  const [smallInput = 0, smallOutput = 0] = heights(0);
  const [bigInput = 0, bigOutput = 0] = heights(2);
  expect(bigInput / smallInput).toBeCloseTo(5);
  expect(bigOutput / smallOutput).toBeCloseTo(5);
  expect(smallInput / smallOutput).toBeCloseTo(3);
});

it("describes the chart for screen readers and offers the figures as a table", () => {
  const root = draw([bucket("2026-03-10T10:00:00.000Z", 1200, 34)]);
  expect(root.querySelector("svg")?.getAttribute("role")).toBe("img");
  expect(root.querySelector("desc")?.textContent).toContain("1,234 tokens in this period");
  const rows = root.querySelectorAll(".chart-table tbody tr");
  expect(rows).toHaveLength(1);
  expect(rows[0]?.textContent).toContain("1,200");
});

it("says so when nothing was used", () => {
  const root = draw([bucket("2026-03-10T10:00:00.000Z", 0, 0)]);
  expect(root.querySelector("desc")?.textContent).toBe("No tokens used in this period.");
});
