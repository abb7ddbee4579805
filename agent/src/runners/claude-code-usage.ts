import type { AgentEvent, AgentRunInput } from "@agentry/core/protocol";
import type { ClaudeCall, ClaudeModelTotals, ClaudeResult } from "./claude-code-stream.js";

// One usage event per provider call, as each call ends (the worker stops a run that crosses the
// session's budget, so it must hear of each call at once). Claude Code reports its own cost only
// per model and cumulatively over the resumed session (`modelUsage[m].costUSD`); a call's share of
// the run's cost follows from Anthropic's fixed price ratios (output 5×, cache read 0.1×, cache
// write 1.25× or 2× for the 1-hour cache, of uncached input), so each call gets the CLI's own
// price, worked out from the CLI's own numbers and remembered (state.json). Where that price is
// not known yet (the first run with a model), a finished call waits for the run's totals, unless
// another call starts first (then it goes without a price: the budget check must not wait).
// Calls the CLI counted but did not stream (sub-agents) come as one more event.

/** Session totals by model, as `modelUsage` reports them (kept in state.json between runs). */
export type ModelTotals = Record<string, ClaudeModelTotals>;

type Counted = Omit<ClaudeModelTotals, "costUsd">;

const CLASSES = [
  "inputTokens",
  "outputTokens",
  "cacheReadTokens",
  "cacheWriteTokens",
  "cacheWrite1hTokens",
  "reasoningTokens",
] as const satisfies readonly (keyof Counted)[];

const EMPTY: ClaudeModelTotals = {
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  cacheWrite1hTokens: 0,
  reasoningTokens: 0,
  costUsd: 0,
};

/** What the tokens cost in units of one uncached input token. */
function weight(tokens: Counted): number {
  const cacheWrite5m = Math.max(0, tokens.cacheWriteTokens - tokens.cacheWrite1hTokens);
  return (
    tokens.inputTokens +
    5 * tokens.outputTokens +
    0.1 * tokens.cacheReadTokens +
    1.25 * cacheWrite5m +
    2 * tokens.cacheWrite1hTokens
  );
}

/** The CLI's price of one uncached input token, from totals it reported; undefined if unknown. */
function rateOf(totals: ClaudeModelTotals | undefined): number | undefined {
  if (totals === undefined) return undefined;
  const units = weight(totals);
  return units > 0 && totals.costUsd > 0 ? totals.costUsd / units : undefined;
}

function counted(call: ClaudeCall): Counted {
  return { ...call.usage, cacheWrite1hTokens: call.cacheWrite1h };
}

function add(a: ClaudeModelTotals, b: ClaudeModelTotals): ClaudeModelTotals {
  const sum = { ...a, costUsd: a.costUsd + b.costUsd };
  for (const name of CLASSES) sum[name] = a[name] + b[name];
  return sum;
}

/** `a − b`, never below zero per class. */
function minus(a: ClaudeModelTotals, b: ClaudeModelTotals): ClaudeModelTotals {
  const rest = { ...a, costUsd: Math.max(0, a.costUsd - b.costUsd) };
  for (const name of CLASSES) rest[name] = Math.max(0, a[name] - b[name]);
  return rest;
}

function min(a: ClaudeModelTotals, b: ClaudeModelTotals): ClaudeModelTotals {
  const least = { ...a, costUsd: Math.min(a.costUsd, b.costUsd) };
  for (const name of CLASSES) least[name] = Math.min(a[name], b[name]);
  return least;
}

function sum(all: readonly ClaudeModelTotals[]): ClaudeModelTotals {
  return all.reduce(add, EMPTY);
}

function max(a: ClaudeModelTotals, b: ClaudeModelTotals): ClaudeModelTotals {
  const most = { ...a, costUsd: Math.max(a.costUsd, b.costUsd) };
  for (const name of CLASSES) most[name] = Math.max(a[name], b[name]);
  return most;
}

/** Dollars per uncached-input-token equivalent, by model, as the CLI's own costs showed them. */
export type ModelRates = Record<string, number>;

export interface SessionUsage {
  /** The session's totals after the run. */
  readonly totals: ModelTotals;
  /** Prices known after the run (kept across sessions). */
  readonly rates: ModelRates;
}

export class ClaudeUsageAccountant {
  private callIndex = 0;
  private held: ClaudeCall | undefined;
  /** What this run's events reported, by model (cost: the reported costs). */
  private readonly emitted: ModelTotals = {};

  constructor(
    private readonly input: Pick<AgentRunInput, "provider" | "model">,
    private readonly emit: (event: AgentEvent) => void,
    /** The session's totals before this run (empty for a new session). */
    private readonly before: ModelTotals,
    /** Prices learned from earlier runs. */
    private readonly rates: ModelRates,
  ) {}

  /** A new call began: the one waiting for its price is reported now, without it. */
  callStarted(): void {
    this.release(() => undefined);
  }

  callEnded(call: ClaudeCall): void {
    this.release(() => undefined);
    const rate = this.knownRate(this.modelOf(call));
    if (rate === undefined) this.held = call;
    else this.report(call, rate);
  }

  /**
   * Ends the run: reports the held call, calls cut off mid-stream, and whatever the CLI counted
   * beyond what streamed. Returns the session's totals and the prices known after this run.
   */
  finish(result: ClaudeResult | undefined, unfinished: readonly ClaudeCall[]): SessionUsage {
    const reported = result?.modelUsage ?? {};
    const runTotals: ModelTotals = {};
    for (const model of new Set([...Object.keys(reported), ...Object.keys(this.before)])) {
      runTotals[model] = minus(reported[model] ?? EMPTY, this.before[model] ?? EMPTY);
    }
    // The run's own price where it shows one, else what earlier runs showed.
    const rate = (model: string): number | undefined =>
      rateOf(runTotals[model]) ?? this.knownRate(model);

    this.release(rate);
    for (const call of unfinished) this.report(call, rate(this.modelOf(call)));
    // Never more than the CLI counted beyond the streamed calls over all models (a model named
    // differently in the stream and in the totals must not be counted twice).
    let unaccounted = minus(sum(Object.values(runTotals)), sum(Object.values(this.emitted)));
    for (const [model, totals] of Object.entries(runTotals)) {
      const rest = min(minus(totals, this.emitted[model] ?? EMPTY), unaccounted);
      unaccounted = minus(unaccounted, rest);
      if (weight(rest) > 0) {
        this.report(
          {
            id: `${model}-not-streamed`,
            model,
            usage: {
              inputTokens: rest.inputTokens,
              outputTokens: rest.outputTokens,
              cacheReadTokens: rest.cacheReadTokens,
              cacheWriteTokens: rest.cacheWriteTokens,
              reasoningTokens: rest.reasoningTokens,
            },
            cacheWrite1h: rest.cacheWrite1hTokens,
          },
          rate(model),
        );
      }
    }

    // What the CLI said, or (a failed run's result may leave models out) what was counted here.
    const totals: ModelTotals = {};
    const rates: ModelRates = { ...this.rates };
    for (const model of new Set([...Object.keys(runTotals), ...Object.keys(this.emitted)])) {
      totals[model] = max(
        reported[model] ?? EMPTY,
        add(this.before[model] ?? EMPTY, this.emitted[model] ?? EMPTY),
      );
      const known = rate(model);
      if (known !== undefined) rates[model] = known;
    }
    return { totals, rates };
  }

  private knownRate(model: string): number | undefined {
    return this.rates[model] ?? rateOf(this.before[model]);
  }

  private modelOf(call: ClaudeCall): string {
    return call.model === "" ? this.input.model : call.model;
  }

  private release(rate: (model: string) => number | undefined): void {
    const call = this.held;
    if (call === undefined) return;
    this.held = undefined;
    this.report(call, rate(this.modelOf(call)));
  }

  private report(call: ClaudeCall, rate: number | undefined): void {
    const model = this.modelOf(call);
    const costUsd = rate === undefined ? undefined : rate * weight(counted(call));
    this.emit({
      type: "usage",
      callIndex: this.callIndex,
      provider: this.input.provider,
      model,
      ...call.usage,
      ...(costUsd === undefined ? {} : { reportedCostUsd: costUsd }),
    });
    this.callIndex += 1;
    this.emitted[model] = add(this.emitted[model] ?? EMPTY, {
      ...counted(call),
      costUsd: costUsd ?? 0,
    });
  }
}
