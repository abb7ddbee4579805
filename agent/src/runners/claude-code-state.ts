import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { ModelRates, ModelTotals } from "./claude-code-usage.js";
import { cliStateDir } from "./run-home.js";

// What Claude Code must remember between messages, in <workspace>/.agentry/cli/claude-code/
// state.json (no secrets): the session to resume, the session's usage totals so far (the CLI
// reports them cumulatively over a resumed session, and each run counts only its own part) and
// the prices its costs showed.

export const CLAUDE_CODE_CLI = "claude-code";

const count = z.number().int().nonnegative();
const stateSchema = z.object({
  sessionId: z.string().min(1).optional(),
  totals: z.record(
    z.string(),
    z.object({
      inputTokens: count,
      outputTokens: count,
      cacheReadTokens: count,
      cacheWriteTokens: count,
      cacheWrite1hTokens: count,
      reasoningTokens: count,
      costUsd: z.number().nonnegative(),
    }),
  ),
  rates: z.record(z.string(), z.number().positive()),
});

export interface ClaudeCodeState {
  readonly sessionId?: string | undefined;
  readonly totals: ModelTotals;
  readonly rates: ModelRates;
}

export const EMPTY_STATE: ClaudeCodeState = { totals: {}, rates: {} };

function statePath(workspace: string): string {
  return join(cliStateDir(workspace, CLAUDE_CODE_CLI), "state.json");
}

/** The saved state; empty when there is none or it is unreadable (a new session then). */
export async function loadClaudeCodeState(
  workspace: string,
  log: (line: string) => void,
): Promise<ClaudeCodeState> {
  let raw: string;
  try {
    raw = await readFile(statePath(workspace), "utf8");
  } catch {
    return EMPTY_STATE;
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = undefined;
  }
  const parsed = stateSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  log("claude-code: state.json is unreadable; starting a new session");
  return EMPTY_STATE;
}

/** Written whole and renamed into place, so a killed run never leaves half a file. */
export async function saveClaudeCodeState(
  workspace: string,
  state: ClaudeCodeState,
): Promise<void> {
  const dir = cliStateDir(workspace, CLAUDE_CODE_CLI);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temporary = join(dir, `state.json.${randomUUID()}.tmp`);
  await writeFile(temporary, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  await rename(temporary, statePath(workspace));
}
