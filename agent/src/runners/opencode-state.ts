import { z } from "zod";
import { loadCliState, saveCliState } from "./cli-state.js";

// What OpenCode must remember between messages, in <workspace>/.agentry/cli/opencode/state.json
// (no secrets): the session to continue. OpenCode reports each provider call's own usage, so no
// totals are kept.

export const OPENCODE_CLI = "opencode";

const stateSchema = z.object({ sessionId: z.string().regex(/^ses_[A-Za-z0-9]+$/) });
export type OpenCodeState = z.infer<typeof stateSchema>;

/** The saved state; undefined when there is none or it is unreadable (a new session then). */
export function loadOpenCodeState(
  workspace: string,
  log: (line: string) => void,
): Promise<OpenCodeState | undefined> {
  return loadCliState(workspace, OPENCODE_CLI, stateSchema, log, "starting a new session");
}

export function saveOpenCodeState(workspace: string, state: OpenCodeState): Promise<void> {
  return saveCliState(workspace, OPENCODE_CLI, state);
}
