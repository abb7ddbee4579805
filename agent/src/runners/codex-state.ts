import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { TokenUsage } from "../providers/provider.js";
import { cliStateDir } from "./run-home.js";

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

function statePath(workspace: string): string {
  return join(cliStateDir(workspace, CODEX_CLI), "state.json");
}

/** The saved state; undefined when there is none or it is unreadable (a new thread then). */
export async function loadCodexState(
  workspace: string,
  log: (line: string) => void,
): Promise<CodexState | undefined> {
  let raw: string;
  try {
    raw = await readFile(statePath(workspace), "utf8");
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = undefined;
  }
  const parsed = stateSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  log("codex: state.json is unreadable; starting a new thread");
  return undefined;
}

/** Written whole and renamed into place, so a killed run never leaves half a file. */
export async function saveCodexState(workspace: string, state: CodexState): Promise<void> {
  const path = statePath(workspace);
  await mkdir(cliStateDir(workspace, CODEX_CLI), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  await rename(temporary, path);
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
