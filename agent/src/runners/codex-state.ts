import { z } from "zod";
import type { TokenUsage } from "../providers/provider.js";
import { loadCliState, saveCliState } from "./cli-state.js";

// What Codex must remember between messages, in <workspace>/.agentry/cli/codex/state.json (no
// secrets): the thread to resume and the thread's usage totals so far, because Codex reports
// usage cumulatively over a resumed thread and each run must count only its own part.

/** `turn.completed.usage` of Codex, summed over the thread. */
export interface CodexTotals {
  /** `input_tokens`: the whole prompt, cached part included (OpenAI's convention). */
  input: number;
  cached: number;
  cacheWrite: number;
  /** `output_tokens`: reasoning included. */
  output: number;
  reasoning: number;
}

export const ZERO_TOTALS: CodexTotals = {
  input: 0,
  cached: 0,
  cacheWrite: 0,
  output: 0,
  reasoning: 0,
};

const count = z.number().int().nonnegative();
const stateSchema = z.object({
  threadId: z.string().min(1),
  totals: z.object({
    input: count,
    cached: count,
    cacheWrite: count,
    output: count,
    reasoning: count,
  }),
});
export type CodexState = z.infer<typeof stateSchema>;

export const CODEX_CLI = "codex";

/** The saved state; undefined when there is none or it is unreadable (a new thread then). */
export function loadCodexState(
  workspace: string,
  log: (line: string) => void,
): Promise<CodexState | undefined> {
  return loadCliState(workspace, CODEX_CLI, stateSchema, log, "starting a new thread");
}

export function saveCodexState(workspace: string, state: CodexState): Promise<void> {
  return saveCliState(workspace, CODEX_CLI, state);
}

/**
 * This run's share of the thread's totals. A total that went down means Codex counted afresh
 * (e.g. a new thread), so everything it reports now is this run's.
 */
export function totalsDelta(now: CodexTotals, before: CodexTotals): CodexTotals {
  const keys = Object.keys(now) as (keyof CodexTotals)[];
  if (keys.some((key) => now[key] < before[key])) return now;
  return {
    input: now.input - before.input,
    cached: now.cached - before.cached,
    cacheWrite: now.cacheWrite - before.cacheWrite,
    output: now.output - before.output,
    reasoning: now.reasoning - before.reasoning,
  };
}

/** Codex's OpenAI-style counts in our classes (agent/README.md, "Usage mapping"). */
export function usageOf(delta: CodexTotals): TokenUsage {
  return {
    inputTokens: Math.max(0, delta.input - delta.cached - delta.cacheWrite),
    outputTokens: delta.output,
    cacheReadTokens: delta.cached,
    cacheWriteTokens: delta.cacheWrite,
    reasoningTokens: delta.reasoning,
  };
}
