import { readFile } from "node:fs/promises";
import { z } from "zod";
import type { TokenUsage } from "../providers/provider.js";
import { loadCliState, saveCliState } from "./cli-state.js";

// Copilot's usage. Its stdout has none. Two places have it:
// - the session's journal (`~/.copilot/session-state/<id>/events.jsonl`, in the workspace), one
//   `session.usage_record` per model call, appended as calls finish (so a run cut short still
//   shows what it spent), numbered by `accounting.sequence` across the resumed session;
// - `--usage-output-file`, written at exit: per-model totals, cumulative over the session.
// The journal gives one usage event per call; the file is the fallback (per-model differences
// from the previous run's totals) should a CLI version stop journaling calls.
// Copilot's `inputTokens` is the whole prompt (cache reads and writes included, for OpenAI and
// Claude models alike); ours excludes the cache. Its AI credits come in nano-AIU, and its own
// schema prices an AI credit at $0.01.

export const COPILOT_CLI = "copilot";

/** USD per nano-AIU: 10⁻⁹ AI credit × $0.01. */
const USD_PER_NANO_AIU = 1e-11;

/** One model's counts in Copilot's convention. */
export interface CopilotCounts {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
  /** AI credits charged, in nano-AIU; null when Copilot reported none (not a zero charge). */
  nanoAiu: number | null;
}

/** One model call from the journal. */
export interface CopilotCall {
  sequence: number;
  model: string;
  counts: CopilotCounts;
}

const count = z.number().int().nonnegative();
const countsSchema = z.object({
  input: count,
  output: count,
  cacheRead: count,
  cacheWrite: count,
  reasoning: count,
  nanoAiu: z.number().nonnegative().nullable(),
});
const stateSchema = z.object({
  /** The Copilot session the conversation continues (`--session-id`). */
  sessionId: z.uuid(),
  /** The last journaled call already reported. */
  usageSequence: count,
  /** The usage file's per-model totals after the last run (the fallback's baseline). */
  totals: z.record(z.string(), countsSchema),
});
export type CopilotState = z.infer<typeof stateSchema>;

/** The saved state; undefined when there is none or it is unreadable (a new session then). */
export function loadCopilotState(
  workspace: string,
  log: (line: string) => void,
): Promise<CopilotState | undefined> {
  return loadCliState(workspace, COPILOT_CLI, stateSchema, log, "starting a new session");
}

export function saveCopilotState(workspace: string, state: CopilotState): Promise<void> {
  return saveCliState(workspace, COPILOT_CLI, state);
}

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

const tokens = (value: unknown): number =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;

const nanoAiu = (value: unknown): number | null =>
  typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : null;

function countsOf(usage: Record<string, unknown>, charged: number | null): CopilotCounts {
  return {
    input: tokens(usage["inputTokens"]),
    output: tokens(usage["outputTokens"]),
    cacheRead: tokens(usage["cacheReadTokens"]),
    cacheWrite: tokens(usage["cacheWriteTokens"]),
    reasoning: tokens(usage["reasoningTokens"]),
    nanoAiu: charged,
  };
}

/** The journal's model calls, oldest first; undefined when there is no journal. */
export async function journalCalls(journal: string): Promise<CopilotCall[] | undefined> {
  let raw: string;
  try {
    raw = await readFile(journal, "utf8");
  } catch {
    return undefined;
  }
  const calls: CopilotCall[] = [];
  for (const line of raw.split("\n")) {
    if (!line.includes('"session.usage_record"')) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const event = record(value);
    const usage = record(record(event?.["data"])?.["usage"]);
    if (event?.["type"] !== "session.usage_record" || usage === undefined) continue;
    const sequence = record(usage["accounting"])?.["sequence"];
    calls.push({
      sequence: typeof sequence === "number" ? sequence : calls.length + 1,
      model: typeof usage["model"] === "string" ? usage["model"] : "",
      counts: countsOf(usage, nanoAiu(record(usage["copilotUsage"])?.["totalNanoAiu"])),
    });
  }
  return calls;
}

/** The usage file's per-model totals; undefined when it is missing or unreadable. */
export async function usageFileTotals(
  path: string,
): Promise<Record<string, CopilotCounts> | undefined> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch {
    return undefined;
  }
  const metrics = record(record(value)?.["modelMetrics"]);
  if (metrics === undefined) return undefined;
  const totals: Record<string, CopilotCounts> = {};
  for (const [model, entry] of Object.entries(metrics)) {
    const metric = record(entry);
    const usage = record(metric?.["usage"]);
    if (metric === undefined || usage === undefined) continue;
    // Only a complete AI-credit total is a charge; "partial"/"unavailable" zeros are not.
    const complete = metric["aiCreditsStatus"] === "complete";
    totals[model] = countsOf(usage, complete ? nanoAiu(metric["totalNanoAiu"]) : null);
  }
  return totals;
}

/** What this run added to a model's totals (everything, when the totals started afresh). */
export function countsDelta(now: CopilotCounts, before: CopilotCounts | undefined): CopilotCounts {
  if (before === undefined) return now;
  const keys = ["input", "output", "cacheRead", "cacheWrite", "reasoning"] as const;
  if (keys.some((key) => now[key] < before[key])) return now;
  const charged = now.nanoAiu === null ? null : Math.max(0, now.nanoAiu - (before.nanoAiu ?? 0));
  return {
    input: now.input - before.input,
    output: now.output - before.output,
    cacheRead: now.cacheRead - before.cacheRead,
    cacheWrite: now.cacheWrite - before.cacheWrite,
    reasoning: now.reasoning - before.reasoning,
    nanoAiu: charged,
  };
}

export function isEmpty(counts: CopilotCounts): boolean {
  return (
    counts.input + counts.output + counts.cacheRead + counts.cacheWrite + counts.reasoning === 0 &&
    (counts.nanoAiu ?? 0) === 0
  );
}

/** Copilot's counts in our classes (agent/README.md, "Usage mapping"), with its charge in USD. */
export function usageOf(counts: CopilotCounts): TokenUsage & { reportedCostUsd?: number } {
  return {
    inputTokens: Math.max(0, counts.input - counts.cacheRead - counts.cacheWrite),
    outputTokens: counts.output,
    cacheReadTokens: counts.cacheRead,
    cacheWriteTokens: counts.cacheWrite,
    reasoningTokens: counts.reasoning,
    ...(counts.nanoAiu === null ? {} : { reportedCostUsd: counts.nanoAiu * USD_PER_NANO_AIU }),
  };
}

/** Adds a run's journaled calls to the totals (when the usage file was not written). */
export function addCalls(
  totals: Readonly<Record<string, CopilotCounts>>,
  calls: readonly CopilotCall[],
): Record<string, CopilotCounts> {
  const sum: Record<string, CopilotCounts> = { ...totals };
  for (const call of calls) {
    const before = sum[call.model];
    sum[call.model] =
      before === undefined
        ? { ...call.counts }
        : {
            input: before.input + call.counts.input,
            output: before.output + call.counts.output,
            cacheRead: before.cacheRead + call.counts.cacheRead,
            cacheWrite: before.cacheWrite + call.counts.cacheWrite,
            reasoning: before.reasoning + call.counts.reasoning,
            nanoAiu:
              before.nanoAiu === null || call.counts.nanoAiu === null
                ? null
                : before.nanoAiu + call.counts.nanoAiu,
          };
  }
  return sum;
}
