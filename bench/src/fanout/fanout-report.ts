import { formatMs, formatRate, type SectionReport } from "../lib/report.js";
import { ratio, type Summary } from "../lib/stats.js";

// The fan-out bench's settings, figures and table.

export interface FanoutSettings {
  readonly subscriberCounts: readonly number[];
  /** Events of the throughput phase for N subscribers (published pipelined). */
  readonly burstEvents: (subscribers: number) => number;
  /** Events of the latency phase, published one at a time at `pacedPerSecond`. */
  readonly pacedEvents: number;
  readonly pacedPerSecond: number;
  readonly warmEvents: number;
  /** Publishes in flight at most during the throughput phase. */
  readonly publishWindow: number;
  /** How long a phase may take before what arrived is taken as is. */
  readonly phaseTimeoutMs: number;
}

export type PathName = "agentry" | "bare relay";

export interface PhaseFigures {
  readonly events: number;
  readonly expected: number;
  readonly delivered: number;
  readonly complete: boolean;
  readonly latencyMs: Summary;
}

export interface PathRun {
  readonly path: PathName;
  readonly subscribers: number;
  readonly burst: PhaseFigures & {
    readonly seconds: number;
    readonly deliveredPerSecond: number;
    readonly perSubscriberPerSecond: number;
    readonly publishedPerSecond: number;
  };
  readonly paced: PhaseFigures & { readonly publishedPerSecond: number };
}

export function report(runs: readonly PathRun[], settings: FanoutSettings): SectionReport {
  const rows = runs.map((run) => [
    String(run.subscribers),
    run.path,
    `${run.burst.delivered}/${run.burst.expected}`,
    formatRate(run.burst.deliveredPerSecond),
    formatRate(run.burst.perSubscriberPerSecond),
    formatRate(run.burst.publishedPerSecond),
    `${run.paced.delivered}/${run.paced.expected}`,
    formatMs(run.paced.latencyMs.p50),
    formatMs(run.paced.latencyMs.p95),
    formatMs(run.paced.latencyMs.p99),
    formatMs(run.burst.latencyMs.p50),
  ]);
  const ratios = settings.subscriberCounts.flatMap((subscribers) => {
    const ours = runs.find((r) => r.subscribers === subscribers && r.path === "agentry");
    const bare = runs.find((r) => r.subscribers === subscribers && r.path === "bare relay");
    if (ours === undefined || bare === undefined) return [];
    return [
      {
        label: `N=${subscribers} throughput (delivered ev/s)`,
        value: ratio(ours.burst.deliveredPerSecond, bare.burst.deliveredPerSecond),
      },
      {
        label: `N=${subscribers} latency p50`,
        value: ratio(ours.paced.latencyMs.p50, bare.paced.latencyMs.p50),
      },
      {
        label: `N=${subscribers} latency p99`,
        value: ratio(ours.paced.latencyMs.p99, bare.paced.latencyMs.p99),
      },
    ];
  });
  const incomplete = runs.filter((run) => !run.burst.complete || !run.paced.complete);
  return {
    id: "eventFanout",
    title: "1. Event fan-out: AgentEventLog.append → Redis → graphql-ws agentEvents → N clients",
    columns: [
      "N",
      "path",
      "burst delivered",
      "ev/s all subs",
      "ev/s per sub",
      "publish ev/s",
      "paced delivered",
      "p50 ms",
      "p95 ms",
      "p99 ms",
      "burst p50 ms",
    ],
    rows,
    ratios,
    notes: [
      `throughput: N × ${settings.subscriberCounts.map((n) => settings.burstEvents(n)).join("/")} events published pipelined (≤ ${settings.publishWindow} in flight), delivered deliveries ÷ (last receipt − first publish)`,
      `latency (p50/p95/p99): ${settings.pacedEvents} events published one at a time at ${settings.pacedPerSecond}/s, publish stamp → receipt in the client thread; "burst p50" is the same under the saturating burst (queueing included)`,
      ...(incomplete.length === 0
        ? []
        : [
            `incomplete (timed out after ${settings.phaseTimeoutMs} ms): ${incomplete.map((r) => `${r.path} N=${r.subscribers}`).join(", ")}`,
          ]),
    ],
    data: {
      settings: {
        ...settings,
        burstEvents: settings.subscriberCounts.map((n) => ({
          subscribers: n,
          events: settings.burstEvents(n),
        })),
      },
      runs,
    },
  };
}
